/**
 * Discord rules that the OpenAPI schema does not (fully) express: embed totals, component
 * layout, flag sets, empty messages and application-command naming/structure rules.
 */
import type { FieldError } from './schema.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function len(v: unknown): number {
  return typeof v === 'string' ? [...v].length : 0;
}

export const MessageFlag = {
  SuppressEmbeds: 1 << 2,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  SuppressNotifications: 1 << 12,
  IsComponentsV2: 1 << 15,
} as const;

export type MessageContext = 'interaction-callback' | 'followup' | 'edit' | 'channel';

const ALLOWED_FLAGS: Record<MessageContext, number> = {
  'interaction-callback':
    MessageFlag.SuppressEmbeds | MessageFlag.Ephemeral | MessageFlag.SuppressNotifications | MessageFlag.IsComponentsV2,
  followup: MessageFlag.SuppressEmbeds | MessageFlag.Ephemeral | MessageFlag.SuppressNotifications | MessageFlag.IsComponentsV2,
  edit: MessageFlag.SuppressEmbeds | MessageFlag.Ephemeral | MessageFlag.SuppressNotifications | MessageFlag.IsComponentsV2,
  channel: MessageFlag.SuppressEmbeds | MessageFlag.SuppressNotifications | MessageFlag.IsComponentsV2,
};

function err(path: string, code: string, message: string): FieldError {
  return { path, code, message };
}
function maxLen(out: FieldError[], path: string, v: unknown, max: number): void {
  if (len(v) > max) out.push(err(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`));
}

function checkEmbeds(embeds: unknown, prefix: string, out: FieldError[]): void {
  if (!Array.isArray(embeds)) return;
  if (embeds.length > 10) out.push(err(`${prefix}embeds`, 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.'));
  let total = 0;
  embeds.forEach((e, i) => {
    const p = `${prefix}embeds.${i}`;
    if (!isObj(e)) return;
    maxLen(out, `${p}.title`, e.title, 256);
    maxLen(out, `${p}.description`, e.description, 4096);
    total += len(e.title) + len(e.description);
    if (isObj(e.footer)) {
      if (!str(e.footer.text)) out.push(err(`${p}.footer.text`, 'BASE_TYPE_REQUIRED', 'This field is required'));
      maxLen(out, `${p}.footer.text`, e.footer.text, 2048);
      total += len(e.footer.text);
    }
    if (isObj(e.author)) {
      if (!str(e.author.name)) out.push(err(`${p}.author.name`, 'BASE_TYPE_REQUIRED', 'This field is required'));
      maxLen(out, `${p}.author.name`, e.author.name, 256);
      total += len(e.author.name);
    }
    if (Array.isArray(e.fields)) {
      if (e.fields.length > 25) out.push(err(`${p}.fields`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.'));
      e.fields.forEach((f, j) => {
        if (!isObj(f)) return;
        const fp = `${p}.fields.${j}`;
        if (!str(f.name)) out.push(err(`${fp}.name`, 'BASE_TYPE_REQUIRED', 'This field is required'));
        if (!str(f.value)) out.push(err(`${fp}.value`, 'BASE_TYPE_REQUIRED', 'This field is required'));
        maxLen(out, `${fp}.name`, f.name, 256);
        maxLen(out, `${fp}.value`, f.value, 1024);
        total += len(f.name) + len(f.value);
      });
    }
  });
  if (total > 6000) {
    out.push(err(`${prefix}embeds`, 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000'));
  }
}

function checkButton(c: Obj, p: string, out: FieldError[]): void {
  const style = c.style;
  const customId = str(c.custom_id);
  if (style === 5) {
    if (!str(c.url)) out.push(err(`${p}.url`, 'BASE_TYPE_REQUIRED', 'This field is required'));
    if (c.custom_id !== undefined && c.custom_id !== null)
      out.push(err(`${p}.custom_id`, 'BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'A custom id cannot be set for this button style'));
  } else if (style === 6) {
    if (!str(c.sku_id)) out.push(err(`${p}.sku_id`, 'BASE_TYPE_REQUIRED', 'This field is required'));
  } else if (typeof style === 'number' && style >= 1 && style <= 4) {
    if (!customId) out.push(err(`${p}.custom_id`, 'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED', 'A custom id is required'));
    if (c.url !== undefined && c.url !== null)
      out.push(err(`${p}.url`, 'BUTTON_COMPONENT_URL_NOT_ALLOWED', 'A url cannot be set for this button style'));
  } else {
    out.push(err(`${p}.style`, 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2, 3, 4, 5, 6).'));
  }
  if (style !== 6 && !str(c.label) && !isObj(c.emoji))
    out.push(err(`${p}`, 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A label or emoji is required'));
  maxLen(out, `${p}.label`, c.label, 80);
}

function checkSelect(c: Obj, p: string, out: FieldError[]): void {
  if (!str(c.custom_id)) out.push(err(`${p}.custom_id`, 'BASE_TYPE_REQUIRED', 'This field is required'));
  maxLen(out, `${p}.placeholder`, c.placeholder, 150);
  if (c.type === 3) {
    const options = c.options;
    if (!Array.isArray(options) || options.length === 0)
      out.push(err(`${p}.options`, 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.'));
    else if (options.length > 25) out.push(err(`${p}.options`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.'));
    if (Array.isArray(options)) {
      const values = new Set<string>();
      options.forEach((o, i) => {
        if (!isObj(o)) return;
        maxLen(out, `${p}.options.${i}.label`, o.label, 100);
        maxLen(out, `${p}.options.${i}.value`, o.value, 100);
        maxLen(out, `${p}.options.${i}.description`, o.description, 100);
        const v = str(o.value);
        if (v !== undefined) {
          if (values.has(v))
            out.push(err(`${p}.options.${i}.value`, 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED', 'Option values must be unique'));
          values.add(v);
        }
      });
    }
  }
}

function collectCustomIds(node: unknown, p: string, out: FieldError[], ids: Set<string>): void {
  if (Array.isArray(node)) {
    node.forEach((n, i) => collectCustomIds(n, `${p}.${i}`, out, ids));
    return;
  }
  if (!isObj(node)) return;
  const cid = node.custom_id;
  if (typeof cid === 'string') {
    maxLen(out, `${p}.custom_id`, cid, 100);
    if (cid.length === 0) out.push(err(`${p}.custom_id`, 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.'));
    if (ids.has(cid))
      out.push(err(`${p}.custom_id`, 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated'));
    ids.add(cid);
  }
  for (const key of ['components', 'accessory']) {
    if (key in node) collectCustomIds(node[key], `${p}.${key}`, out, ids);
  }
}

function checkComponents(components: unknown, prefix: string, v2: boolean, out: FieldError[]): void {
  if (!Array.isArray(components)) return;
  const ids = new Set<string>();
  collectCustomIds(components, `${prefix}components`, out, ids);
  if (v2) return; // Components V2 layouts are covered by the schema (40 top-level components).
  if (components.length > 5) out.push(err(`${prefix}components`, 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.'));
  components.forEach((row, i) => {
    const p = `${prefix}components.${i}`;
    if (!isObj(row)) return;
    if (row.type !== 1) {
      out.push(
        err(`${p}.type`, 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'Top-level components must be action rows unless IS_COMPONENTS_V2 is set'),
      );
      return;
    }
    const children = row.components;
    if (!Array.isArray(children) || children.length === 0) {
      out.push(err(`${p}.components`, 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.'));
      return;
    }
    if (children.length > 5) out.push(err(`${p}.components`, 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.'));
    const hasSelect = children.some((c) => isObj(c) && typeof c.type === 'number' && c.type >= 3 && c.type <= 8 && c.type !== 4);
    if (hasSelect && children.length > 1)
      out.push(err(`${p}.components`, 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width'));
    children.forEach((c, j) => {
      const cp = `${p}.components.${j}`;
      if (!isObj(c)) return;
      if (c.type === 2) checkButton(c, cp, out);
      else if (typeof c.type === 'number' && [3, 5, 6, 7, 8].includes(c.type)) checkSelect(c, cp, out);
      else out.push(err(`${cp}.type`, 'COMPONENT_TYPE_INVALID', `Component type ${String(c.type)} is not valid in a message action row`));
    });
  });
}

export interface MessageCheckResult {
  errors: FieldError[];
  /** The payload would create a message with no content, embeds, components, files, stickers or poll. */
  empty: boolean;
}

/** Check a message-like payload (interaction callback data, webhook body, channel message body). */
export function checkMessagePayload(
  body: unknown,
  context: MessageContext,
  prefix = '',
  opts: { fileCount?: number } = {},
): MessageCheckResult {
  const out: FieldError[] = [];
  if (!isObj(body)) return { errors: out, empty: context !== 'edit' };
  maxLen(out, `${prefix}content`, body.content, 2000);
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  const disallowed = flags & ~ALLOWED_FLAGS[context];
  if (disallowed !== 0) out.push(err(`${prefix}flags`, 'MESSAGE_FLAGS_INVALID', `Invalid flags: ${disallowed}`));
  const v2 = (flags & MessageFlag.IsComponentsV2) !== 0;
  if (v2 && ((typeof body.content === 'string' && body.content.length > 0) || (Array.isArray(body.embeds) && body.embeds.length > 0))) {
    out.push(
      err(`${prefix}content`, 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', 'The content and embeds fields cannot be used when using MessageFlags.IS_COMPONENTS_V2'),
    );
  }
  checkEmbeds(body.embeds, prefix, out);
  checkComponents(body.components, prefix, v2, out);
  const empty =
    !(typeof body.content === 'string' && body.content.trim().length > 0) &&
    !(Array.isArray(body.embeds) && body.embeds.length > 0) &&
    !(Array.isArray(body.components) && body.components.length > 0) &&
    !(Array.isArray(body.attachments) && body.attachments.length > 0) &&
    !(Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0) &&
    !isObj(body.poll) &&
    (opts.fileCount ?? 0) === 0;
  return { errors: out, empty };
}

// ---------------------------------------------------------------------------------------------
// Application commands

const NAME_RE = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/**
 * Discord's client languages: the keys `name_localizations` and `description_localizations` accept
 * (`AvailableLocalesEnum` in openapi.json; a test keeps the two equal).
 */
export const AVAILABLE_LOCALES: readonly string[] = [
  'ar', 'bg', 'cs', 'da', 'de', 'el', 'en-GB', 'en-US', 'es-419', 'es-ES', 'fi', 'fr', 'he', 'hi', 'hr', 'hu', 'id',
  'it', 'ja', 'ko', 'lt', 'nl', 'no', 'pl', 'pt-BR', 'ro', 'ru', 'sv-SE', 'th', 'tr', 'uk', 'vi', 'zh-CN', 'zh-TW',
];
const LOCALE_SET = new Set(AVAILABLE_LOCALES);

/** Application command option types (Discord's numbering). */
export const OptionType = {
  SubCommand: 1,
  SubCommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

function checkName(out: FieldError[], p: string, name: unknown): void {
  const n = str(name);
  if (n === undefined) return; // schema reports missing/invalid type
  if (!NAME_RE.test(n)) out.push(err(p, 'APPLICATION_COMMAND_INVALID_NAME', `Command name is invalid`));
  else if (n !== n.toLowerCase()) out.push(err(p, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name must be lowercase'));
}

/**
 * A localizations map: keys must be Discord locales; with `names`, each value follows the same rules as a
 * chat-input name (regex, lower case where the script has case).
 */
function checkLocalizations(out: FieldError[], p: string, value: unknown, names: boolean): void {
  if (!isObj(value)) return; // absent, null, or a type error the schema reports
  for (const [locale, text] of Object.entries(value)) {
    if (!LOCALE_SET.has(locale)) out.push(err(`${p}.${locale}`, 'BASE_TYPE_CHOICES', `Value must be one of the available locales (${locale} is not).`));
    if (names) checkName(out, `${p}.${locale}`, text);
  }
}

/** Every locale some localization of `o` (or of its options and choices) names. */
function localesOf(o: Obj, into = new Set<string>()): Set<string> {
  for (const key of ['name_localizations', 'description_localizations']) {
    const map = o[key];
    if (isObj(map)) for (const locale of Object.keys(map)) into.add(locale);
  }
  for (const list of [o.options, o.choices]) if (Array.isArray(list)) for (const c of list) if (isObj(c)) localesOf(c, into);
  return into;
}

/** A name or description as members with `locale` see it: the localization, or the default. */
function inLocale(o: Obj, field: 'name' | 'description', locale: string | undefined): unknown {
  const map = o[`${field}_localizations`];
  if (locale !== undefined && isObj(map) && typeof map[locale] === 'string') return map[locale];
  return o[field];
}

/** Discord's 4000-character limit, in the default language or in any one locale. */
function countChars(o: Obj, locale?: string): number {
  let n = len(inLocale(o, 'name', locale)) + len(inLocale(o, 'description', locale));
  if (Array.isArray(o.choices))
    for (const c of o.choices) if (isObj(c)) n += len(inLocale(c, 'name', locale)) + (typeof c.value === 'string' ? len(c.value) : String(c.value).length);
  if (Array.isArray(o.options)) for (const c of o.options) if (isObj(c)) n += countChars(c, locale);
  return n;
}

function checkOptions(options: unknown, p: string, level: 'command' | 'group' | 'subcommand', out: FieldError[]): void {
  if (!Array.isArray(options)) return;
  if (options.length > 25) out.push(err(p, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.'));
  const names = new Set<string>();
  // Option names must also be unique as members of each language see them.
  const locales = new Set<string>();
  for (const o of options) if (isObj(o) && isObj(o.name_localizations)) for (const l of Object.keys(o.name_localizations)) locales.add(l);
  for (const locale of locales) {
    const seen = new Set<unknown>();
    options.forEach((o, i) => {
      if (!isObj(o)) return;
      const name = inLocale(o, 'name', locale);
      if (seen.has(name))
        out.push(err(`${p}.${i}.name_localizations.${locale}`, 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', `Option names must be unique (${locale})`));
      seen.add(name);
    });
  }
  let seenOptional = false;
  let subs = 0;
  let nonSubs = 0;
  options.forEach((o, i) => {
    const op = `${p}.${i}`;
    if (!isObj(o)) return;
    checkName(out, `${op}.name`, o.name);
    checkLocalizations(out, `${op}.name_localizations`, o.name_localizations, true);
    checkLocalizations(out, `${op}.description_localizations`, o.description_localizations, false);
    const n = str(o.name);
    if (n !== undefined) {
      if (names.has(n)) out.push(err(`${op}.name`, 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option names must be unique'));
      names.add(n);
    }
    if (!str(o.description)) out.push(err(`${op}.description`, 'BASE_TYPE_REQUIRED', 'This field is required'));
    maxLen(out, `${op}.description`, o.description, 100);
    const type = o.type;
    const isSub = type === OptionType.SubCommand || type === OptionType.SubCommandGroup;
    if (isSub) subs++;
    else nonSubs++;
    if (type === OptionType.SubCommandGroup && level !== 'command')
      out.push(err(`${op}.type`, 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Subcommand groups can only be top-level options'));
    if (type === OptionType.SubCommand && level === 'subcommand')
      out.push(err(`${op}.type`, 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Subcommands cannot contain subcommands'));
    if (level === 'group' && type !== OptionType.SubCommand)
      out.push(err(`${op}.type`, 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Subcommand groups may only contain subcommands'));
    if (!isSub) {
      if (o.required === true && seenOptional)
        out.push(err(`${op}.required`, 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options'));
      if (o.required !== true) seenOptional = true;
    }
    if (Array.isArray(o.choices)) {
      if (o.choices.length > 25) out.push(err(`${op}.choices`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.'));
      if (o.autocomplete === true && o.choices.length > 0)
        out.push(err(`${op}.autocomplete`, 'APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE', 'Autocomplete cannot be enabled on options with choices'));
      o.choices.forEach((c, j) => {
        if (!isObj(c)) return;
        const cp = `${op}.choices.${j}`;
        maxLen(out, `${cp}.name`, c.name, 100);
        checkLocalizations(out, `${cp}.name_localizations`, c.name_localizations, false);
        const want = type === OptionType.String ? 'string' : type === OptionType.Integer || type === OptionType.Number ? 'number' : undefined;
        if (want && typeof c.value !== want) out.push(err(`${cp}.value`, 'BASE_TYPE_INVALID', `Choice value must be a ${want}`));
        if (type === OptionType.String) maxLen(out, `${cp}.value`, c.value, 100);
        if (type === OptionType.Integer && typeof c.value === 'number' && !Number.isInteger(c.value))
          out.push(err(`${cp}.value`, 'NUMBER_TYPE_COERCE', 'Value is not int.'));
      });
      if (type !== OptionType.String && type !== OptionType.Integer && type !== OptionType.Number && o.choices.length > 0)
        out.push(err(`${op}.choices`, 'APPLICATION_COMMAND_OPTION_CHOICES_INVALID', 'Choices are only allowed for string, integer and number options'));
    }
    if (o.autocomplete === true && type !== OptionType.String && type !== OptionType.Integer && type !== OptionType.Number)
      out.push(err(`${op}.autocomplete`, 'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_INVALID', 'Autocomplete is only allowed for string, integer and number options'));
    if (typeof o.min_value === 'number' && typeof o.max_value === 'number' && o.min_value > o.max_value)
      out.push(err(`${op}.min_value`, 'NUMBER_TYPE_MAX', 'min_value must be less than or equal to max_value'));
    if (typeof o.min_length === 'number' && typeof o.max_length === 'number' && o.min_length > o.max_length)
      out.push(err(`${op}.min_length`, 'BASE_TYPE_MAX_LENGTH', 'min_length must be less than or equal to max_length'));
    if (type === OptionType.SubCommand) checkOptions(o.options, `${op}.options`, 'subcommand', out);
    else if (type === OptionType.SubCommandGroup) {
      if (!Array.isArray(o.options) || o.options.length === 0)
        out.push(err(`${op}.options`, 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.'));
      checkOptions(o.options, `${op}.options`, 'group', out);
    } else if (o.options !== undefined && o.options !== null && (!Array.isArray(o.options) || o.options.length > 0))
      out.push(err(`${op}.options`, 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Only subcommands and groups may have options'));
  });
  if (level === 'command' && subs > 0 && nonSubs > 0)
    out.push(err(p, 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Subcommands and subcommand groups cannot be mixed with other options'));
}

/** Extra rules for a single command (`prefix` like `0.` for bulk arrays, `` for a single create). */
export function checkCommand(cmd: unknown, prefix: string): FieldError[] {
  const out: FieldError[] = [];
  if (!isObj(cmd)) return out;
  const type = typeof cmd.type === 'number' ? cmd.type : 1;
  if (type === 1) {
    checkName(out, `${prefix}name`, cmd.name);
    checkLocalizations(out, `${prefix}name_localizations`, cmd.name_localizations, true);
    checkLocalizations(out, `${prefix}description_localizations`, cmd.description_localizations, false);
    if (!str(cmd.description)) out.push(err(`${prefix}description`, 'BASE_TYPE_REQUIRED', 'This field is required'));
    maxLen(out, `${prefix}description`, cmd.description, 100);
    checkOptions(cmd.options, `${prefix}options`, 'command', out);
    for (const locale of [undefined, ...localesOf(cmd)]) {
      if (countChars(cmd, locale) > 4000)
        out.push(err(prefix.replace(/\.$/, ''), 'APPLICATION_COMMAND_TOO_LARGE', `Command exceeds maximum size (4000)${locale ? ` in ${locale}` : ''}`));
    }
  } else if (type === 2 || type === 3) {
    // Menu names may have spaces and capitals, in every language; only the locales are checked here.
    checkLocalizations(out, `${prefix}name_localizations`, cmd.name_localizations, false);
    if (str(cmd.description))
      out.push(err(`${prefix}description`, 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION', 'Context menu commands cannot have a description'));
    if (Array.isArray(cmd.options) && cmd.options.length > 0)
      out.push(err(`${prefix}options`, 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Context menu commands cannot have options'));
  }
  return out;
}

/** Rules across a bulk overwrite: unique names per type (in every language) and per-type count limits. */
export function checkCommandList(cmds: unknown): FieldError[] {
  const out: FieldError[] = [];
  if (!Array.isArray(cmds)) return out;
  const seen = new Set<string>();
  const counts = new Map<number, number>();
  const locales = new Set<string>();
  cmds.forEach((c, i) => {
    out.push(...checkCommand(c, `${i}.`));
    if (!isObj(c)) return;
    const type = typeof c.type === 'number' ? c.type : 1;
    const key = `${type}:${String(c.name)}`;
    if (seen.has(key)) out.push(err(`${i}.name`, 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`));
    seen.add(key);
    counts.set(type, (counts.get(type) ?? 0) + 1);
    if (isObj(c.name_localizations)) for (const locale of Object.keys(c.name_localizations)) locales.add(locale);
  });
  // Two commands of a type may not look alike to members of any language either.
  for (const locale of locales) {
    const inThisLocale = new Set<string>();
    cmds.forEach((c, i) => {
      if (!isObj(c)) return;
      const key = `${typeof c.type === 'number' ? c.type : 1}:${String(inLocale(c, 'name', locale))}`;
      if (inThisLocale.has(key))
        out.push(err(`${i}.name_localizations.${locale}`, 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique (${locale})`));
      inThisLocale.add(key);
    });
  }
  if ((counts.get(1) ?? 0) > 100) out.push(err('', 'APPLICATION_COMMANDS_TOO_MANY', 'Maximum number of chat input commands reached (100)'));
  if ((counts.get(2) ?? 0) > 15) out.push(err('', 'APPLICATION_COMMANDS_TOO_MANY', 'Maximum number of user commands reached (15)'));
  if ((counts.get(3) ?? 0) > 15) out.push(err('', 'APPLICATION_COMMANDS_TOO_MANY', 'Maximum number of message commands reached (15)'));
  return out;
}
