/**
 * The fake Discord's linked roles (application role connections):
 *
 *   GET|PUT /applications/{application_id}/role-connections/metadata          bot token
 *   GET|PUT|DELETE /users/@me/applications/{application_id}/role-connection   Bearer token with role_connections.write
 *
 * Bodies are validated against Discord's OpenAPI description, plus what the description leaves out and Discord
 * enforces: metadata keys are `a-z0-9_` and unique, a user's values only use registered keys, and each value fits its
 * key's type (an integer for the INTEGER_* types, an ISO8601 date for the DATETIME_* ones, 0/1 for the BOOLEAN_* ones).
 * `qualifies` answers what Discord's role check would: whether a user's connection meets a server's requirements.
 */
import type { FieldError } from './schema.js';
import { componentValidator, operationValidator, runValidator } from './schema.js';

/** Discord's MetadataItemTypes. */
export const MetadataType = {
  IntegerLessThanOrEqual: 1,
  IntegerGreaterThanOrEqual: 2,
  IntegerEqual: 3,
  IntegerNotEqual: 4,
  DatetimeLessThanOrEqual: 5,
  DatetimeGreaterThanOrEqual: 6,
  BooleanEqual: 7,
  BooleanNotEqual: 8,
} as const;

export interface RoleConnectionMetadataRecord {
  type: number;
  key: string;
  name: string;
  description: string;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
}

export interface FakeRoleConnection {
  platform_name: string | null;
  platform_username: string | null;
  metadata: Record<string, string>;
}

export interface RoleConnectionWrite {
  userId: string;
  /** The connection after the write. */
  connection: FakeRoleConnection;
  /** Fake-clock ms. */
  at: number;
}

/** The linked-roles side of the fake Discord, reachable as `fake.roleConnections`. */
export interface FakeRoleConnections {
  /** What the application registered (empty before its first PUT). */
  readonly metadata: readonly RoleConnectionMetadataRecord[];
  /** Every accepted write of a user's connection (PUT or DELETE), in order. */
  readonly writes: readonly RoleConnectionWrite[];
  /** The user's current connection to the application; undefined when never written or deleted. */
  connection(userId: string): FakeRoleConnection | undefined;
  /**
   * Whether the user meets a linked role's requirements, as a server admin sets them (key → the admin's value: a
   * number, or days for the DATETIME types). Every requirement must hold, as with Discord's "all" setting.
   */
  qualifies(userId: string, requirements: Record<string, number>): boolean;
}

export interface RoleConnectionRouteContext {
  params: Record<string, string>;
  body: unknown;
  /** The Bearer token's user, for the per-user routes. */
  bearerUserId?: string | undefined;
}

export interface RoleConnectionReply {
  status: number;
  body?: unknown;
}

/** A failure the fake answers with: a 400 Invalid Form Body from `errors`, or any Discord error. */
export type RoleConnectionFailure = { kind: 'invalid'; route: string; source: 'schema' | 'limit'; errors: FieldError[] } | { kind: 'error'; status: number; body: Record<string, unknown> };

export class RoleConnectionError extends Error {
  constructor(readonly failure: RoleConnectionFailure) {
    super(failure.kind === 'error' ? String(failure.body.message) : 'Invalid Form Body');
  }
}

type RouteHandler = (ctx: RoleConnectionRouteContext) => RoleConnectionReply;

export interface FakeRoleConnectionsHandler {
  readonly api: FakeRoleConnections;
  readonly getMetadata: RouteHandler;
  readonly putMetadata: RouteHandler;
  readonly getConnection: RouteHandler;
  readonly putConnection: RouteHandler;
  readonly deleteConnection: RouteHandler;
}

export const METADATA_ROUTE = '/applications/{application_id}/role-connections/metadata';
export const CONNECTION_ROUTE = '/users/@me/applications/{application_id}/role-connection';
/** The scope the per-user routes need (Discord's OpenAPI description names it on each of them). */
export const ROLE_CONNECTIONS_SCOPE = 'role_connections.write';

const KEY_PATTERN = /^[a-z0-9_]{1,50}$/;
const INTEGER_VALUE = /^-?\d{1,18}$/;
const DAY_MS = 86_400_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const missingAccess = () => new RoleConnectionError({ kind: 'error', status: 403, body: { message: 'Missing Access', code: 50001 } });

export function createFakeRoleConnections(deps: { applicationId: string; now: () => number; onChange: () => void }): FakeRoleConnectionsHandler {
  let metadata: RoleConnectionMetadataRecord[] = [];
  const connections = new Map<string, FakeRoleConnection>();
  const writes: RoleConnectionWrite[] = [];

  function ownApplication(ctx: RoleConnectionRouteContext): void {
    if (ctx.params.application_id !== deps.applicationId) throw missingAccess();
  }

  function invalid(route: string, source: 'schema' | 'limit', errors: FieldError[]): RoleConnectionError {
    return new RoleConnectionError({ kind: 'invalid', route, source, errors });
  }

  function metadataLimits(body: unknown[]): FieldError[] {
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    body.forEach((record, index) => {
      if (!isObject(record) || typeof record.key !== 'string') return;
      if (!KEY_PATTERN.test(record.key)) {
        errors.push({ path: `${index}.key`, code: 'STRING_TYPE_REGEX', message: 'String value did not match validation regex (a-z0-9_, 1 to 50 characters).' });
      }
      if (seen.has(record.key)) errors.push({ path: `${index}.key`, code: 'LIST_ITEM_VALUE_NOT_UNIQUE', message: 'Metadata keys must be unique.' });
      seen.add(record.key);
    });
    return errors;
  }

  function valueFits(type: number, value: string): boolean {
    if (type <= MetadataType.IntegerNotEqual) return INTEGER_VALUE.test(value);
    if (type <= MetadataType.DatetimeGreaterThanOrEqual) return !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}/.test(value);
    return value === '0' || value === '1';
  }

  function connectionLimits(body: Record<string, unknown>): FieldError[] {
    const errors: FieldError[] = [];
    if (!isObject(body.metadata)) return errors;
    const byKey = new Map(metadata.map((record) => [record.key, record]));
    for (const [key, value] of Object.entries(body.metadata)) {
      const record = byKey.get(key);
      if (!record) {
        errors.push({ path: `metadata.${key}`, code: 'BASE_TYPE_CHOICES', message: `"${key}" is not a metadata key the application registered.` });
      } else if (typeof value === 'string' && !valueFits(record.type, value)) {
        errors.push({ path: `metadata.${key}`, code: 'BASE_TYPE_INVALID', message: `Value does not fit the metadata type ${record.type}.` });
      }
    }
    return errors;
  }

  function answer(connection: FakeRoleConnection): Record<string, unknown> {
    const body: Record<string, unknown> = { metadata: { ...connection.metadata } };
    if (connection.platform_name !== null) body.platform_name = connection.platform_name;
    body.platform_username = connection.platform_username;
    const problems = runValidator(componentValidator('ApplicationUserRoleConnectionResponse'), body);
    if (problems.length > 0) throw new Error(`fake-discord: role connection answer breaks its schema: ${JSON.stringify(problems)}`);
    return body;
  }

  function record(userId: string, connection: FakeRoleConnection | undefined): void {
    if (connection) connections.set(userId, connection);
    else connections.delete(userId);
    writes.push({ userId, connection: connection ?? { platform_name: null, platform_username: null, metadata: {} }, at: deps.now() });
    deps.onChange();
  }

  function bearerUser(ctx: RoleConnectionRouteContext): string {
    if (ctx.bearerUserId === undefined) throw new RoleConnectionError({ kind: 'error', status: 401, body: { message: '401: Unauthorized', code: 0 } });
    return ctx.bearerUserId;
  }

  function daysAgo(value: string): number {
    return (deps.now() - Date.parse(value)) / DAY_MS;
  }

  return {
    api: {
      get metadata() {
        return metadata.map((item) => ({ ...item }));
      },
      writes,
      connection: (userId) => {
        const found = connections.get(userId);
        return found && { ...found, metadata: { ...found.metadata } };
      },
      qualifies(userId, requirements) {
        const connection = connections.get(userId);
        if (!connection) return false;
        return Object.entries(requirements).every(([key, wanted]) => {
          const type = metadata.find((item) => item.key === key)?.type;
          const value = connection.metadata[key];
          if (type === undefined || value === undefined) return false;
          switch (type) {
            case MetadataType.IntegerLessThanOrEqual:
              return Number(value) <= wanted;
            case MetadataType.IntegerGreaterThanOrEqual:
              return Number(value) >= wanted;
            case MetadataType.IntegerEqual:
              return Number(value) === wanted;
            case MetadataType.IntegerNotEqual:
              return Number(value) !== wanted;
            // Discord compares dates as "days ago" against the admin's number of days.
            case MetadataType.DatetimeLessThanOrEqual:
              return daysAgo(value) <= wanted;
            case MetadataType.DatetimeGreaterThanOrEqual:
              return daysAgo(value) >= wanted;
            case MetadataType.BooleanEqual:
              return Number(value) === wanted;
            default:
              return Number(value) !== wanted;
          }
        });
      },
    },

    getMetadata(ctx) {
      ownApplication(ctx);
      return { status: 200, body: metadata.map((item) => ({ ...item })) };
    },

    putMetadata(ctx) {
      ownApplication(ctx);
      const validator = operationValidator(METADATA_ROUTE, 'PUT');
      const schemaErrors = validator ? runValidator(validator, ctx.body ?? null) : [];
      if (schemaErrors.length > 0) throw invalid(METADATA_ROUTE, 'schema', schemaErrors);
      const body = Array.isArray(ctx.body) ? ctx.body : [];
      const limitErrors = metadataLimits(body);
      if (limitErrors.length > 0) throw invalid(METADATA_ROUTE, 'limit', limitErrors);
      metadata = (body as RoleConnectionMetadataRecord[]).map((item) => ({ ...item }));
      deps.onChange();
      return { status: 200, body: metadata.map((item) => ({ ...item })) };
    },

    getConnection(ctx) {
      ownApplication(ctx);
      const connection = connections.get(bearerUser(ctx)) ?? { platform_name: null, platform_username: null, metadata: {} };
      return { status: 200, body: answer(connection) };
    },

    putConnection(ctx) {
      ownApplication(ctx);
      const userId = bearerUser(ctx);
      const validator = operationValidator(CONNECTION_ROUTE, 'PUT');
      const schemaErrors = validator ? runValidator(validator, ctx.body ?? null) : [];
      if (schemaErrors.length > 0 || !isObject(ctx.body)) {
        throw invalid(CONNECTION_ROUTE, 'schema', schemaErrors.length > 0 ? schemaErrors : [{ path: '', code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }]);
      }
      const limitErrors = connectionLimits(ctx.body);
      if (limitErrors.length > 0) throw invalid(CONNECTION_ROUTE, 'limit', limitErrors);
      const body = ctx.body;
      const connection: FakeRoleConnection = {
        platform_name: typeof body.platform_name === 'string' ? body.platform_name : null,
        platform_username: typeof body.platform_username === 'string' ? body.platform_username : null,
        metadata: isObject(body.metadata) ? ({ ...body.metadata } as Record<string, string>) : {},
      };
      record(userId, connection);
      return { status: 200, body: answer(connection) };
    },

    deleteConnection(ctx) {
      ownApplication(ctx);
      record(bearerUser(ctx), undefined);
      return { status: 204 };
    },
  };
}
