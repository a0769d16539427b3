import { ApplicationCommandOptionType, ApplicationCommandType, CommandInteractionOptionResolver, type ChatInputCommandInteraction, type CommandInteractionOption, type User } from 'discord.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { list } from '../../../commands/list.js';
import { readOptions, type OptionsOf } from '../../../commands/options.js';
import type { profile } from '../../../commands/profile.js';
import type { update } from '../../../commands/update.js';
import { createTranslations } from '../../../src/i18n/index.js';
import { UserFacingError } from '../../../src/user-facing-error.js';

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'demo',
  description: 'demo',
  options: [
    { type: ApplicationCommandOptionType.String, name: 'kind', description: 'd', required: true, choices: [{ name: 'A', value: 'a' }, { name: 'B', value: 'b' }] },
    { type: ApplicationCommandOptionType.String, name: 'text', description: 'd', max_length: 5 },
    { type: ApplicationCommandOptionType.Integer, name: 'count', description: 'd', min_value: 0, max_value: 10 },
    { type: ApplicationCommandOptionType.Number, name: 'ratio', description: 'd', min_value: 0 },
    { type: ApplicationCommandOptionType.Boolean, name: 'flag', description: 'd' },
    { type: ApplicationCommandOptionType.User, name: 'who', description: 'd' },
  ],
} as const;

/** discord.js's own resolver over options as the gateway delivers them (the constructor is internal to discord.js). */
function interactionWith(options: CommandInteractionOption[]): Pick<ChatInputCommandInteraction, 'options'> {
  const Resolver = CommandInteractionOptionResolver as unknown as new (client: null, options: CommandInteractionOption[], resolved: object) => ChatInputCommandInteraction['options'];
  return { options: new Resolver(null, options, {}) };
}

/** A UserFacingError whose English text is exactly `text`. */
const refusal = (text: string) => expect.objectContaining({ name: 'UserFacingError', message: text }) as unknown as Error;

const option = (name: string, type: ApplicationCommandOptionType, value: string | number | boolean): CommandInteractionOption => ({ name, type, value });

describe('readOptions', () => {
  it('types each option from the definition: choices are their values, required ones are always there', () => {
    expectTypeOf(readOptions<typeof definition>).returns.toEqualTypeOf<OptionsOf<typeof definition>>();
    expectTypeOf<OptionsOf<typeof definition>>().toEqualTypeOf<{
      readonly kind: 'a' | 'b';
      readonly text: string | undefined;
      readonly count: number | undefined;
      readonly ratio: number | undefined;
      readonly flag: boolean | undefined;
      readonly who: User | undefined;
    }>();
    expectTypeOf<OptionsOf<typeof list.definition>['status']>().toEqualTypeOf<
      'CURRENT' | 'PLANNING' | 'COMPLETED' | 'PAUSED' | 'DROPPED' | 'REPEATING' | 'ALL' | undefined
    >();
    expectTypeOf<OptionsOf<typeof list.definition>['type']>().toEqualTypeOf<'ANIME' | 'MANGA' | undefined>();
    expectTypeOf<OptionsOf<typeof update.definition>['media']>().toEqualTypeOf<string>();
    expectTypeOf<OptionsOf<typeof update.definition>['status']>().toEqualTypeOf<'CURRENT' | 'PLANNING' | 'COMPLETED' | 'PAUSED' | 'DROPPED' | 'REPEATING' | undefined>();
    expectTypeOf<OptionsOf<typeof profile.definition>['user']>().toEqualTypeOf<User | undefined>();
  });

  it('reads what the interaction carries, and undefined for what it does not', () => {
    const values = readOptions(
      interactionWith([
        option('kind', ApplicationCommandOptionType.String, 'b'),
        option('count', ApplicationCommandOptionType.Integer, 10),
        option('flag', ApplicationCommandOptionType.Boolean, false),
      ]),
      definition,
    );
    expect(values).toEqual({ kind: 'b', text: undefined, count: 10, ratio: undefined, flag: false, who: undefined });
  });

  it('refuses values the definition does not allow with a message naming the option and what it takes', () => {
    const read = (...extra: CommandInteractionOption[]) => () => readOptions(interactionWith([option('kind', ApplicationCommandOptionType.String, 'a'), ...extra]), definition);
    expect(() => readOptions(interactionWith([option('kind', ApplicationCommandOptionType.String, 'c')]), definition)).toThrow(refusal('`kind` must be A or B.'));
    expect(read(option('count', ApplicationCommandOptionType.Integer, 11))).toThrow(refusal('`count` must be a whole number from 0 to 10.'));
    expect(read(option('count', ApplicationCommandOptionType.Integer, 1.5))).toThrow(refusal('`count` must be a whole number from 0 to 10.'));
    expect(read(option('ratio', ApplicationCommandOptionType.Number, -0.5))).toThrow(refusal('`ratio` must be a number of at least 0.'));
    expect(read(option('text', ApplicationCommandOptionType.String, 'toolong'))).toThrow(refusal('`text` must be at most 5 characters long.'));
    expect(read(option('count', ApplicationCommandOptionType.Integer, 0), option('ratio', ApplicationCommandOptionType.Number, 0.5))).not.toThrow();
  });

  it('names the option and its choices as the member’s Discord shows them', () => {
    const i18n = createTranslations();
    let refusal: unknown;
    try {
      readOptions(interactionWith([option('type', ApplicationCommandOptionType.String, 'NOVEL')]), list.definition);
    } catch (error) {
      refusal = error;
    }
    if (!(refusal instanceof UserFacingError)) throw new Error('expected a UserFacingError');
    expect(refusal.render(i18n.forDiscord('ja'))).toBe('`種類` には アニメまたはマンガ のいずれかを指定してください。');
    expect(refusal.render(i18n.forDiscord('pt-BR'))).toBe('`tipo` deve ser Anime ou Mangá.');
    expect(refusal.render(i18n.forDiscord('en-US'))).toBe('`type` must be Anime or Manga.');
  });

  it('leaves a missing required option to discord.js, which refuses it (the dispatcher answers with the generic error)', () => {
    expect(() => readOptions(interactionWith([]), definition)).toThrow(/kind/);
    expect(() => readOptions(interactionWith([]), definition)).not.toThrow(UserFacingError);
  });
});
