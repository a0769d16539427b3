/**
 * What the bot registers with Discord: every command, option and choice in every language of the catalogues, and
 * where each command may be used, accepted by the fake Discord (OpenAPI schema plus Discord's naming rules for every
 * locale).
 */
import { ApplicationCommandType, REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { isChatInputCommand, type ChatInputCommand, type Command } from '../../commands/command.js';
import { commands } from '../../commands/index.js';
import { commandTexts, installOf, registrationOf } from '../../commands/registration.js';
import { registerCommands } from '../../src/bot/register-commands.js';
import { CATALOGUES, DISCORD_LOCALES, LOCALES, createTranslations } from '../../src/i18n/index.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';

const TOKEN = 'registration-token.abc.def';
const i18n = createTranslations();
const translatedLocales = LOCALES.flatMap((locale) => DISCORD_LOCALES[locale]);

/** The commands the issue names as making sense outside the admin's server; any of them in the registry. */
const EVERYWHERE = ['link', 'unlink', 'profile', 'list', 'update', 'anime', 'manga', 'compare', 'random', 'privacy', 'notifications', 'AniList profile'];

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function register(registry: readonly Command[]): Promise<FakeDiscord> {
  fake = await startFakeDiscord({ token: TOKEN });
  await registerCommands(new REST({ api: fake.apiUrl }).setToken(TOKEN), registry, { applicationId: fake.applicationId }, i18n);
  return fake;
}

describe('command registration in every language', () => {
  it('every command, option and choice has its text in every catalogue, and English says what the definition says', () => {
    const missing: string[] = [];
    const differing: string[] = [];
    for (const command of commands) {
      for (const { key, english } of commandTexts(command)) {
        for (const locale of LOCALES) if (CATALOGUES[locale][key] === undefined) missing.push(`${locale} ${key}`);
        if (CATALOGUES.en[key] !== undefined && CATALOGUES.en[key] !== english) differing.push(`${key}: "${CATALOGUES.en[key]}" ≠ "${english}"`);
      }
    }
    expect(missing).toEqual([]);
    expect(differing).toEqual([]);
  });

  it('the fake Discord accepts the whole registry with its localizations, and stores them', async () => {
    const f = await register(commands);
    expect(f.schemaViolations).toEqual([]);
    expect(f.registeredCommands.global).toHaveLength(commands.length);
    const list = f.registeredCommands.global.find((command) => command.name === 'list')!;
    expect(Object.keys(list.name_localizations as object).sort()).toEqual([...translatedLocales].sort());
    expect(list).toMatchObject({
      name_localizations: { ja: 'リスト', 'es-419': 'lista', 'pt-BR': 'lista', de: 'liste', fr: 'liste' },
      description_localizations: { ja: CATALOGUES.ja['command.list.description'] },
      options: expect.arrayContaining([
        expect.objectContaining({
          name: 'type',
          name_localizations: expect.objectContaining({ ja: '種類', 'es-ES': 'tipo', de: 'art' }) as unknown,
          choices: expect.arrayContaining([expect.objectContaining({ value: 'MANGA', name: 'Manga', name_localizations: expect.objectContaining({ ja: 'マンガ', 'pt-BR': 'Mangá' }) as unknown })]) as unknown,
        }),
      ]) as unknown,
    });
    const menu = f.registeredCommands.global.find((command) => command.type === 2)!;
    expect(menu).toMatchObject({ name: 'AniList profile', name_localizations: { ja: 'AniList プロフィール', fr: 'Profil AniList' } });
  });

  it('every text of every command is registered in every language (the fake stores what it accepted)', async () => {
    const f = await register(commands);
    const registered = new Map(f.registeredCommands.global.map((command) => [`${command.type}:${command.name}`, command]));
    for (const command of commands) {
      const stored = registered.get(`${command.definition.type ?? 1}:${command.definition.name}`);
      expect(stored).toEqual(expect.objectContaining(registrationOf(command, i18n)));
    }
  });

  it('commands that make sense anywhere can be installed on a member’s account and used in DMs; the rest stay in servers', async () => {
    const serverOnly: ChatInputCommand = {
      definition: { type: ApplicationCommandType.ChatInput, name: 'server-only', description: 'A command for this server' },
      execute: () => Promise.resolve(),
    };
    const f = await register([...commands, serverOnly]);
    for (const command of [...commands, serverOnly]) {
      const stored = f.registeredCommands.global.find((c) => c.name === command.definition.name && c.type === Number(command.definition.type ?? 1))!;
      const everywhere = EVERYWHERE.includes(command.definition.name);
      expect({ name: stored.name, install: installOf(command) }).toEqual({ name: stored.name, install: everywhere ? 'everywhere' : 'server' });
      expect({ name: stored.name, integration_types: stored.integration_types, contexts: stored.contexts }).toEqual(
        everywhere
          ? { name: stored.name, integration_types: [0, 1], contexts: [0, 1, 2] }
          : { name: stored.name, integration_types: [0], contexts: [0] },
      );
    }
    expect(commands.filter(isChatInputCommand).length).toBeGreaterThan(5);
  });
});
