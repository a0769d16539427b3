/**
 * What Discord registers for each command: its definition (English, the contract), where it may be used
 * (`install`), and the name, description and choice names of the command and of every option in each language of
 * the catalogues.
 *
 * A command's texts live in the catalogues (src/i18n/messages/<locale>.json) under ids built from its names:
 *   command.<name>.name / .description                         a slash command
 *   command.<name>.option.<option>.name / .description         each option (sub-options nest: ….option.<sub>.option.<o>…)
 *   command.<name>.option.<option>.choice.<value>              each choice's name
 *   menu.<slug>.name                                           a member menu ("AniList profile" → menu.anilist_profile.name)
 * English in en.json equals the definition (a test checks it); a language without an id leaves Discord's English.
 */
import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { Translations, Translator } from '../src/i18n/index.js';
import { isUserCommand, type Command, type CommandInstall } from './command.js';

const INSTALLS: Record<CommandInstall, { integration_types: ApplicationIntegrationType[]; contexts: InteractionContextType[] }> = {
  everywhere: {
    integration_types: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel],
  },
  server: { integration_types: [ApplicationIntegrationType.GuildInstall], contexts: [InteractionContextType.Guild] },
};

export function installOf(command: Command): CommandInstall {
  return command.install ?? 'server';
}

interface OptionLike {
  readonly name: string;
  readonly description?: string;
  readonly options?: readonly OptionLike[];
  readonly choices?: readonly { readonly name: string; readonly value: string | number }[];
}

/** One text of a command: its catalogue id and its English, as the definition has it. */
export interface CommandText {
  readonly key: string;
  readonly english: string;
}

/** The catalogue id of a command's own texts: `command.<name>` for slash commands, `menu.<slug>` for member menus. */
export function commandKeyPrefix(command: Pick<Command, 'definition'>): string {
  const { name } = command.definition;
  return command.definition.type === ApplicationCommandType.User ? `menu.${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}` : `command.${name}`;
}

export function optionKeyPrefix(commandName: string, optionName: string): string {
  return `command.${commandName}.option.${optionName}`;
}

/** Every text a command shows in Discord's UI, with the catalogue id it is translated under. */
export function commandTexts(command: Pick<Command, 'definition'>): CommandText[] {
  const prefix = commandKeyPrefix(command);
  const texts: CommandText[] = [{ key: `${prefix}.name`, english: command.definition.name }];
  if (command.definition.type === ApplicationCommandType.User) return texts;
  const definition = command.definition as OptionLike;
  texts.push({ key: `${prefix}.description`, english: definition.description ?? '' });
  const walk = (options: readonly OptionLike[] | undefined, at: string) => {
    for (const option of options ?? []) {
      const key = `${at}.option.${option.name}`;
      texts.push({ key: `${key}.name`, english: option.name }, { key: `${key}.description`, english: option.description ?? '' });
      for (const choice of option.choices ?? []) texts.push({ key: `${key}.choice.${choice.value}`, english: choice.name });
      walk(option.options, key);
    }
  };
  walk(definition.options, prefix);
  return texts;
}

/** The registration body: the definition, where it may be used, and its localizations. */
export function registrationOf(command: Command, i18n: Translations): RESTPostAPIApplicationCommandsJSONBody {
  const localize = (key: string) => i18n.discordLocalizations(key);
  const withNames = <T extends object>(target: T, key: string, field: 'name_localizations' | 'description_localizations') => {
    const localizations = localize(key);
    return localizations ? { ...target, [field]: localizations } : target;
  };
  const prefix = commandKeyPrefix(command);
  const place = INSTALLS[installOf(command)];
  if (isUserCommand(command)) {
    return withNames({ ...command.definition, ...place }, `${prefix}.name`, 'name_localizations');
  }
  const localizeOptions = (options: readonly OptionLike[] | undefined, at: string): OptionLike[] | undefined =>
    options?.map((option) => {
      const key = `${at}.option.${option.name}`;
      let localized: OptionLike = withNames(withNames({ ...option }, `${key}.name`, 'name_localizations'), `${key}.description`, 'description_localizations');
      if (option.choices) localized = { ...localized, choices: option.choices.map((choice) => withNames({ ...choice }, `${key}.choice.${choice.value}`, 'name_localizations')) };
      if (option.options) localized = { ...localized, options: localizeOptions(option.options, key) };
      return localized;
    });
  const body = withNames(withNames({ ...command.definition, ...place }, `${prefix}.name`, 'name_localizations'), `${prefix}.description`, 'description_localizations');
  const options = localizeOptions(command.definition.options, prefix);
  return (options ? { ...body, options } : body) as RESTPostAPIApplicationCommandsJSONBody;
}

/** An option's name as the member's Discord shows it (for messages about that option). */
export function optionLabel(t: Translator, commandName: string, optionName: string): string {
  return t.lookup(`${optionKeyPrefix(commandName, optionName)}.name`) ?? optionName;
}

/** A choice's name as the member's Discord shows it. */
export function choiceLabel(t: Translator, commandName: string, optionName: string, choice: { readonly name: string; readonly value: string | number }): string {
  return t.lookup(`${optionKeyPrefix(commandName, optionName)}.choice.${choice.value}`) ?? choice.name;
}
