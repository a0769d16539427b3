import { ApplicationCommandOptionType, type ChatInputCommandInteraction, type User } from 'discord.js';
import { msg, type Localized } from '../src/i18n/index.js';
import { UserFacingError } from '../src/user-facing-error.js';
import type { CommandDefinition } from './command.js';
import { choiceLabel, optionLabel } from './registration.js';

type OptionDefinition = NonNullable<CommandDefinition['options']>[number];

/** The option types commands use so far; another type is added here when a command first needs it. */
interface ValueByType {
  [ApplicationCommandOptionType.String]: string;
  [ApplicationCommandOptionType.Integer]: number;
  [ApplicationCommandOptionType.Number]: number;
  [ApplicationCommandOptionType.Boolean]: boolean;
  [ApplicationCommandOptionType.User]: User;
  [ApplicationCommandOptionType.Channel]: ResolvedChannel;
  [ApplicationCommandOptionType.Role]: ResolvedRole;
}

/** A channel option's value as the interaction resolved it (the bot keeps no channel cache). */
export type ResolvedChannel = NonNullable<ReturnType<ChatInputCommandInteraction['options']['getChannel']>>;
/** A role option's value as the interaction resolved it. */
export type ResolvedRole = NonNullable<ReturnType<ChatInputCommandInteraction['options']['getRole']>>;

type OptionValue<O> = O extends { readonly choices: readonly { readonly value: infer V }[] }
  ? V
  : O extends { readonly type: infer T extends keyof ValueByType }
    ? ValueByType[T]
    : never;

/**
 * What a command's options hold, typed from its literal definition: a required option is always there, any
 * other may be undefined, and an option with choices holds one of their values.
 */
export type OptionsOf<D extends CommandDefinition> = OptionsIn<D>;

/** The options declared by a command or a subcommand, as `OptionsOf` types them. */
type OptionsIn<D> = D extends { readonly options: readonly (infer O)[] }
  ? { readonly [Option in O as Option extends { readonly name: infer N extends string } ? N : never]: Option extends { readonly required: true } ? OptionValue<Option> : OptionValue<Option> | undefined }
  : Record<string, never>;

/**
 * Reads an interaction's options as `definition` declares them. Discord checks choices and ranges before it sends
 * an interaction; they are checked again here (a registration out of date, a forged payload), so each value has
 * the type `OptionsOf` gives it, and a bad one gets a clear message instead of a wrong result.
 */
export function readOptions<const D extends CommandDefinition>(interaction: Pick<ChatInputCommandInteraction, 'options'>, definition: D): OptionsOf<D> {
  const values: Record<string, unknown> = {};
  for (const option of definition.options ?? []) values[option.name] = readOption(interaction.options, definition.name, option);
  return values as OptionsOf<D>;
}

/** The subcommand an interaction chose, with that subcommand's options typed from the definition. */
export type SubcommandOf<D extends CommandDefinition> = D extends { readonly options: readonly (infer S)[] }
  ? S extends { readonly type: ApplicationCommandOptionType.Subcommand; readonly name: infer N extends string }
    ? { readonly subcommand: N; readonly options: OptionsIn<S> }
    : never
  : never;

/**
 * Reads which subcommand an interaction chose and its options, as `definition` declares them (see readOptions);
 * a subcommand the definition does not have gets a clear message.
 */
export function readSubcommand<const D extends CommandDefinition>(interaction: Pick<ChatInputCommandInteraction, 'options'>, definition: D): SubcommandOf<D> {
  const name = interaction.options.getSubcommand(false);
  const subcommand = (definition.options ?? []).find((option) => option.type === ApplicationCommandOptionType.Subcommand && option.name === name);
  if (!subcommand || subcommand.type !== ApplicationCommandOptionType.Subcommand) {
    const known = (definition.options ?? []).filter((option) => option.type === ApplicationCommandOptionType.Subcommand).map((option) => `/${definition.name} ${option.name}`);
    throw new UserFacingError(msg('options.pickSubcommand', { subcommands: (t) => t.list(known, 'or') }));
  }
  const values: Record<string, unknown> = {};
  for (const option of subcommand.options ?? []) values[option.name] = readOption(interaction.options, definition.name, option);
  return { subcommand: subcommand.name, options: values } as SubcommandOf<D>;
}

function readOption(options: ChatInputCommandInteraction['options'], commandName: string, option: OptionDefinition): unknown {
  // Errors name the option as the member's Discord shows it.
  const label: Localized = (t) => optionLabel(t, commandName, option.name);
  const required = 'required' in option && option.required === true;
  switch (option.type) {
    case ApplicationCommandOptionType.String: {
      const value = options.getString(option.name, required) ?? undefined;
      if (value === undefined) return undefined;
      checkChoice(option, value, commandName, label);
      checkLength(option, value, label);
      return value;
    }
    case ApplicationCommandOptionType.Integer:
    case ApplicationCommandOptionType.Number: {
      const value = (option.type === ApplicationCommandOptionType.Integer ? options.getInteger(option.name, required) : options.getNumber(option.name, required)) ?? undefined;
      if (value === undefined) return undefined;
      checkChoice(option, value, commandName, label);
      checkRange(option, value, label);
      return value;
    }
    case ApplicationCommandOptionType.Boolean:
      return options.getBoolean(option.name, required) ?? undefined;
    case ApplicationCommandOptionType.User:
      return options.getUser(option.name, required) ?? undefined;
    case ApplicationCommandOptionType.Channel:
      return options.getChannel(option.name, required) ?? undefined;
    case ApplicationCommandOptionType.Role:
      return options.getRole(option.name, required) ?? undefined;
    default:
      throw new Error(`readOptions does not read options of type ${option.type} yet (option "${option.name}")`);
  }
}

function checkChoice(option: OptionDefinition, value: string | number, commandName: string, label: Localized): void {
  if (!('choices' in option) || option.choices === undefined) return;
  const choices = option.choices;
  if (choices.some((choice) => choice.value === value)) return;
  const names: Localized = (t) => t.list(choices.map((choice) => choiceLabel(t, commandName, option.name, choice)), 'or');
  throw new UserFacingError(msg('options.notOneOf', { option: label, choices: names }));
}

function checkLength(option: OptionDefinition, value: string, label: Localized): void {
  const min = 'min_length' in option ? option.min_length : undefined;
  const max = 'max_length' in option ? option.max_length : undefined;
  if (min !== undefined && value.length < min) throw new UserFacingError(msg('options.tooShort', { option: label, min }));
  if (max !== undefined && value.length > max) throw new UserFacingError(msg('options.tooLong', { option: label, max }));
}

function checkRange(option: OptionDefinition, value: number, label: Localized): void {
  const min = 'min_value' in option ? option.min_value : undefined;
  const max = 'max_value' in option ? option.max_value : undefined;
  const whole = option.type === ApplicationCommandOptionType.Integer;
  const inRange = Number.isFinite(value) && (!whole || Number.isInteger(value)) && (min === undefined || value >= min) && (max === undefined || value <= max);
  if (inRange) return;
  const kind = whole ? 'whole' : 'any';
  if (min !== undefined && max !== undefined) throw new UserFacingError(msg('options.numberBetween', { option: label, kind, min, max }));
  if (min !== undefined) throw new UserFacingError(msg('options.numberAtLeast', { option: label, kind, min }));
  if (max !== undefined) throw new UserFacingError(msg('options.numberAtMost', { option: label, kind, max }));
  throw new UserFacingError(msg('options.number', { option: label, kind }));
}
