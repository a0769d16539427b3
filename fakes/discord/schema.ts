/**
 * Request-body validation against Discord's vendored OpenAPI 3.1 description (`openapi.json`),
 * plus conversion of validation failures into Discord's `50035 Invalid Form Body` error shape.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import * as formatsModule from 'ajv-formats';

const SPEC_ID = 'discord-openapi';

/** One validation problem, in a test-friendly flat form. */
export interface FieldError {
  /** Dotted path inside the request body, e.g. `data.choices` or `0.description`. */
  path: string;
  /** Discord-style error code, e.g. `BASE_TYPE_MAX_LENGTH`. */
  code: string;
  message: string;
}

/** Nested error object exactly like Discord's `errors` member of a 50035 response. */
export interface DiscordErrorTree {
  _errors?: { code: string; message: string }[];
  [key: string]: DiscordErrorTree | { code: string; message: string }[] | undefined;
}

interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}
interface OpenApiSpec {
  paths: Record<string, Record<string, OpenApiOperation | undefined>>;
  components: Record<string, unknown>;
}

let specCache: OpenApiSpec | undefined;
let ajvCache: Ajv2020 | undefined;
const validatorCache = new Map<string, ValidateFunction>();

function loadSpec(): OpenApiSpec {
  if (!specCache) {
    const text = readFileSync(join(projectRoot, 'fakes', 'discord', 'openapi.json'), 'utf8');
    // Point every local `#/components/...` reference at the components document registered below.
    specCache = JSON.parse(text.replaceAll('"#/components/', `"${SPEC_ID}#/components/`)) as OpenApiSpec;
  }
  return specCache;
}

type FormatsPlugin = (ajv: Ajv2020) => unknown;

function resolveFormatsPlugin(): FormatsPlugin {
  const ns = formatsModule as unknown as { default?: unknown };
  let candidate: unknown = ns.default ?? ns;
  if (typeof candidate !== 'function' && candidate && typeof candidate === 'object' && 'default' in candidate) {
    candidate = candidate.default;
  }
  if (typeof candidate !== 'function') throw new Error('fake-discord: cannot load ajv-formats');
  return candidate as FormatsPlugin;
}

function getAjv(): Ajv2020 {
  if (!ajvCache) {
    const spec = loadSpec();
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    resolveFormatsPlugin()(ajv);
    ajv.addFormat('snowflake', /^(0|[1-9][0-9]*)$/);
    ajv.addFormat('nonce', true);
    ajv.addSchema({ $id: SPEC_ID, components: spec.components });
    ajvCache = ajv;
  }
  return ajvCache;
}

/** Load spec + Ajv eagerly (otherwise done lazily on first validation). */
export function warmUpSchemas(): void {
  getAjv();
}

function compileCached(key: string, make: () => unknown): ValidateFunction {
  let v = validatorCache.get(key);
  if (!v) {
    v = getAjv().compile(make() as object);
    validatorCache.set(key, v);
  }
  return v;
}

/** Validator for the JSON request body of `method` `pathTemplate` (OpenAPI path key). */
export function operationValidator(pathTemplate: string, method: string): ValidateFunction | undefined {
  const spec = loadSpec();
  const op = spec.paths[pathTemplate]?.[method.toLowerCase()];
  const schema = op?.requestBody?.content?.['application/json']?.schema;
  if (schema === undefined) return undefined;
  return compileCached(`op:${method}:${pathTemplate}`, () => schema);
}

/** Validator for a named component schema (`#/components/schemas/<name>`). */
export function componentValidator(name: string): ValidateFunction {
  return compileCached(`component:${name}`, () => ({ $ref: `${SPEC_ID}#/components/schemas/${name}` }));
}

/** Validator for an inline schema that may reference components as `{ $ref: ref('Name') }`. */
export function inlineValidator(key: string, make: (ref: (name: string) => string) => unknown): ValidateFunction {
  return compileCached(`inline:${key}`, () => make((name) => `${SPEC_ID}#/components/schemas/${name}`));
}

function pathOf(instancePath: string): string[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function describe(e: ErrorObject): FieldError & { segments: string[] } {
  const segments = pathOf(e.instancePath);
  const p = e.params as Record<string, unknown>;
  let code = 'BASE_TYPE_INVALID';
  let message = e.message ?? 'Invalid value';
  switch (e.keyword) {
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties':
      code = 'BASE_TYPE_MAX_LENGTH';
      message = `Must be ${String(p.limit)} or fewer in length.`;
      break;
    case 'minLength':
    case 'minItems':
    case 'minProperties':
      code = 'BASE_TYPE_MIN_LENGTH';
      message = `Must be ${String(p.limit)} or more in length.`;
      break;
    case 'required':
      segments.push(String(p.missingProperty));
      code = 'BASE_TYPE_REQUIRED';
      message = 'This field is required';
      break;
    case 'enum':
    case 'const':
      code = 'BASE_TYPE_CHOICES';
      message = `Value must be one of ${JSON.stringify(p.allowedValues ?? p.allowedValue)}.`;
      break;
    case 'maximum':
    case 'exclusiveMaximum':
      code = 'NUMBER_TYPE_MAX';
      message = `int value should be less than or equal to ${String(p.limit)}.`;
      break;
    case 'minimum':
    case 'exclusiveMinimum':
      code = 'NUMBER_TYPE_MIN';
      message = `int value should be greater than or equal to ${String(p.limit)}.`;
      break;
    case 'pattern':
    case 'format':
      code = 'STRING_TYPE_REGEX';
      message = `String value did not match validation regex (${e.message ?? ''}).`;
      break;
    case 'type':
      code = String(p.type).includes('integer') || String(p.type).includes('number') ? 'NUMBER_TYPE_COERCE' : 'BASE_TYPE_INVALID';
      message = `Value is not of type ${String(p.type)}.`;
      break;
    case 'uniqueItems':
      code = 'LIST_ITEM_VALUE_NOT_UNIQUE';
      message = 'List item values must be unique.';
      break;
    default:
      break;
  }
  return { segments, path: segments.join('.'), code, message };
}

/**
 * Reduce Ajv's error list (which for `oneOf`/`anyOf` unions contains one failure per branch)
 * to the errors that matter: union summaries and "must be null" alternatives are dropped when
 * something more specific exists.
 */
export function summarizeAjvErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  const all = errors ?? [];
  const specific = all.filter(
    (e) =>
      e.keyword !== 'oneOf' &&
      e.keyword !== 'anyOf' &&
      !(e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null'),
  );
  const chosen = specific.length > 0 ? specific : all;
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of chosen) {
    const d = describe(e);
    const key = `${d.path}|${d.code}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: d.path, code: d.code, message: d.message });
  }
  return out;
}

/** Build Discord's nested `errors` tree from flat field errors. */
export function toDiscordErrorTree(errors: readonly FieldError[]): DiscordErrorTree {
  const root: DiscordErrorTree = {};
  for (const err of errors) {
    let node = root;
    for (const seg of err.path ? err.path.split('.') : []) {
      const next = node[seg];
      if (next === undefined || Array.isArray(next)) {
        const created: DiscordErrorTree = {};
        node[seg] = created;
        node = created;
      } else {
        node = next;
      }
    }
    (node._errors ??= []).push({ code: err.code, message: err.message });
  }
  return root;
}

/** Run a validator; returns the flat field errors (empty when valid). */
export function runValidator(v: ValidateFunction, body: unknown): FieldError[] {
  if (v(body)) return [];
  return summarizeAjvErrors(v.errors);
}

/**
 * Every OAuth2 scope Discord's OpenAPI description names: the OAuth2 security scheme's list and the scopes the
 * operations require (the scheme's list lacks some, e.g. `role_connections.write`).
 */
export function oauthScopes(): ReadonlySet<string> {
  const spec = loadSpec() as OpenApiSpec & {
    components: { securitySchemes?: { OAuth2?: { flows?: Record<string, { scopes?: Record<string, string> }> } } };
  };
  const scopes = new Set<string>();
  for (const flow of Object.values(spec.components.securitySchemes?.OAuth2?.flows ?? {})) for (const scope of Object.keys(flow.scopes ?? {})) scopes.add(scope);
  for (const operations of Object.values(spec.paths)) {
    for (const operation of Object.values(operations)) {
      const security = (operation as { security?: Record<string, string[]>[] } | undefined)?.security ?? [];
      for (const requirement of security) for (const scope of requirement.OAuth2 ?? []) scopes.add(scope);
    }
  }
  return scopes;
}
