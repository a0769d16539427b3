/**
 * Members' role connections: the numbers Discord's linked roles check ("completed ≥ 100 anime"), written with each
 * member's own Discord token (scope role_connections.write) and kept in step with their AniList list:
 *
 * - right after linking or verifying from the linked-roles page (`connect`), one statistics request;
 * - after an /update whose answer carried the member's statistics (`noteStatistics`): no extra AniList request,
 *   written only when a number changed, and debounced so a run of updates is one write;
 * - by the daily refresh, on the AniList budget members leave idle (`lane: 'background'`);
 * - cleared (an empty write) before the tokens are forgotten, on /unlink and when the AniList account moved on.
 *
 * Discord tokens last about a week and are refreshed when due. When Discord refuses the refresh token (the member
 * removed the app), the connection turns stale: nothing is written any more, the member is told once by DM how to
 * verify again, and their AniList link is not touched.
 */
import { isAniListError, type AniListClient, type RoleConnectionStatistics } from '../anilist/index.js';
import type { TokenVault } from '../crypto/vault.js';
import type { RoleConnection, RoleConnectionsRepository } from '../db/role-connections.js';
import type { DirectMessages } from '../expiry/direct-messages.js';
import type { Translations } from '../i18n/index.js';
import { LinkFailure, type DiscordOAuth, type DiscordTokens, type MemberDirectory, type UsableMember } from '../linking/index.js';
import type { Logger } from '../logger.js';
import { BearerRefusedError, type RoleConnectionApi } from './discord-api.js';
import { connectionFor, metadataRecords, metadataTranslations, serializeConnection, type MetadataTranslations, type RoleConnectionBody } from './metadata.js';

/** The OAuth2 scope that lets the bot write a member's role connection. */
export const ROLE_CONNECTIONS_SCOPE = 'role_connections.write';

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
/** Discord's access tokens last about a week; used when the token answer does not say. */
const DEFAULT_ACCESS_TOKEN_LIFETIME_MS = 7 * DAY_MS;
/** Refresh a little before the expiry, so a token does not run out between the check and the write. */
const REFRESH_MARGIN_MS = 60_000;
/** After this many failed members in a row Discord or AniList is probably down: the next run retries. */
const MAX_CONSECUTIVE_FAILURES = 3;
/** An /unlink waits this long at most for Discord to clear the connection. */
const CLEAR_TIMEOUT_MS = 10_000;
/** A shutdown waits this long at most for the writes still waiting. */
const STOP_FLUSH_MS = 3_000;

export interface LinkedRolesTuning {
  /** Quiet time after an /update before the connection is written (a run of updates becomes one write). */
  pushDebounceMs?: number;
  /** How old a reading may get before the refresh reads again (default a day). */
  refreshAgeMs?: number;
  /** The refresh runs this long after start, then every `refreshIntervalMs` (default 1 minute, hourly). */
  firstRefreshDelayMs?: number;
  refreshIntervalMs?: number;
}

export interface LinkedRolesDeps {
  repository: RoleConnectionsRepository;
  vault: TokenVault;
  discordOAuth: Pick<DiscordOAuth, 'refresh'>;
  api: RoleConnectionApi;
  links: Pick<MemberDirectory, 'usableMember' | 'member'>;
  anilist: Pick<AniListClient, 'viewerStatistics'>;
  dms: DirectMessages;
  /** The verification page's address, for the DM that asks a member to verify again. */
  verificationUrl: string;
  /** The DM in the member's Discord language; the metadata names and descriptions in every language. */
  i18n: Translations;
  clock: () => Date;
  logger: Logger;
  tuning?: LinkedRolesTuning | undefined;
}

/** What writing a member's connection came to. */
export type WriteOutcome =
  /** Discord has the member's numbers now. */
  | 'pushed'
  /** Discord already had exactly these numbers: nothing was sent. */
  | 'unchanged'
  /** Discord refused the member's tokens: they must verify again. */
  | 'stale'
  /** Not written now (AniList or Discord busy or down); the refresh tries again. */
  | 'pending'
  /** The member has no role connection (or no usable AniList link) to write. */
  | 'none';

export type ConnectOutcome = WriteOutcome | 'not_granted';
export type DisconnectOutcome = 'cleared' | 'not_cleared' | 'none';

export interface RefreshSummary {
  pushed: number;
  unchanged: number;
  stale: number;
  pending: number;
  cleared: number;
}

export interface LinkedRoles {
  /**
   * Keeps a member's fresh Discord tokens and writes their connection now, for the page they are waiting on: from
   * `statistics` when the caller has them (linking's Viewer answer), else after one AniList request. Tokens without
   * role_connections.write are not kept ('not_granted').
   */
  connect(input: { discordUserId: string; applicationId: string; tokens: DiscordTokens; statistics?: RoleConnectionStatistics | undefined }): Promise<ConnectOutcome>;
  /** Whether the bot holds a role connection of the member (to clear on /unlink). */
  has(discordUserId: string): boolean;
  /**
   * The member's statistics as an AniList answer carried them (e.g. the saved entry's owner): the connection is
   * written after a quiet moment when a number differs from what Discord has. Never sends an AniList request.
   */
  noteStatistics(discordUserId: string, statistics: RoleConnectionStatistics): void;
  /** Clears the member's connection on Discord (an empty write), then forgets their Discord tokens either way. */
  disconnect(discordUserId: string): Promise<DisconnectOutcome>;
  /** One pass of the refresh: orphans cleared, stale members told, due connections read and written. Never rejects. */
  refreshDue(): Promise<RefreshSummary>;
  /**
   * Registers the metadata records (bot token), their names and descriptions in every language of the catalogues
   * unless `translations` are given. Resolves false (logged with the fix) when Discord refuses.
   */
  registerMetadata(applicationId: string, translations?: MetadataTranslations): Promise<boolean>;
  /** Writes waiting for their quiet moment, now. */
  flush(): Promise<void>;
  /** Hourly refresh passes (each reads what is older than a day); the timers do not keep the process alive. */
  start(): void;
  /** Stops the refresh and sends the writes still waiting (for a few seconds at most: a shutdown has a deadline). */
  stop(): Promise<void>;
}

interface Grant {
  accessToken: string;
  refreshToken: string | undefined;
}

const grantContext = (discordUserId: string, applicationId: string) => `role-connection:${discordUserId}:${applicationId}`;

export function createLinkedRoles(deps: LinkedRolesDeps): LinkedRoles {
  const { repository, vault, api, clock, logger } = deps;
  const pushDebounceMs = deps.tuning?.pushDebounceMs ?? 15_000;
  const refreshAgeMs = deps.tuning?.refreshAgeMs ?? DAY_MS - HOUR_MS;
  /** One write at a time per member, so two never refresh the same refresh token. */
  const queues = new Map<string, Promise<unknown>>();
  /** Connections waiting for their quiet moment after an /update. */
  const pending = new Map<string, { body: RoleConnectionBody; timer: ReturnType<typeof setTimeout> }>();
  let refreshing: Promise<RefreshSummary> | undefined;
  let firstRun: ReturnType<typeof setTimeout> | undefined;
  let interval: ReturnType<typeof setInterval> | undefined;
  let stopping = new AbortController();

  function serialized<T>(discordUserId: string, task: () => Promise<T>): Promise<T> {
    const previous = queues.get(discordUserId) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    queues.set(discordUserId, settled);
    void settled.then(() => {
      if (queues.get(discordUserId) === settled) queues.delete(discordUserId);
    });
    return next;
  }

  function sealGrant(discordUserId: string, applicationId: string, grant: Grant): string {
    return vault.seal(JSON.stringify(grant), grantContext(discordUserId, applicationId));
  }

  function openGrant(row: RoleConnection): Grant {
    return JSON.parse(vault.open(row.sealedGrant, grantContext(row.discordUserId, row.applicationId))) as Grant;
  }

  const expiryOf = (tokens: DiscordTokens) => new Date(clock().getTime() + (tokens.expiresIn ? tokens.expiresIn * 1000 : DEFAULT_ACCESS_TOKEN_LIFETIME_MS));

  async function tellStale(discordUserId: string): Promise<void> {
    const t = deps.i18n.forDiscord(deps.links.member(discordUserId)?.discordLocale);
    const content = t('roles.staleDm', { url: deps.verificationUrl });
    try {
      const outcome = await deps.dms.send(discordUserId, { content });
      repository.recordStaleNotice(discordUserId, outcome);
      logger.info({ discordUserId, outcome }, 'told the member their role connection needs verifying again');
    } catch (error) {
      logger.warn({ err: error, discordUserId }, 'could not tell the member their role connection needs verifying again; the refresh retries');
    }
  }

  async function markStale(row: RoleConnection, reason: string): Promise<void> {
    if (!repository.markStaleIfCurrent(row.discordUserId, row.sealedGrant, clock())) return;
    logger.info({ discordUserId: row.discordUserId, reason }, 'Discord refused the member\'s tokens: role connection stale until they verify again');
    await tellStale(row.discordUserId);
  }

  /**
   * The member's access token, refreshed when due (or when `force`d, after Discord refused it). Undefined when the
   * connection is stale or gone. Rejects when Discord could not be asked (the next attempt retries).
   */
  async function accessTokenFor(row: RoleConnection, force = false): Promise<string | undefined> {
    const grant = openGrant(row);
    if (!force && row.accessTokenExpiresAt.getTime() - clock().getTime() > REFRESH_MARGIN_MS) return grant.accessToken;
    if (grant.refreshToken === undefined) {
      await markStale(row, 'access token expired and no refresh token');
      return undefined;
    }
    let tokens: DiscordTokens;
    try {
      tokens = await deps.discordOAuth.refresh({ clientId: row.applicationId, refreshToken: grant.refreshToken });
    } catch (error) {
      if (!(error instanceof LinkFailure) || error.kind !== 'discord_rejected') throw error;
      // Another process may have refreshed (and so spent) the same refresh token a moment ago.
      const current = repository.find(row.discordUserId);
      if (current && current.sealedGrant !== row.sealedGrant && current.staleAt === null) return openGrant(current).accessToken;
      await markStale(row, 'refresh token refused');
      return undefined;
    }
    const next = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? grant.refreshToken };
    const replaced = repository.replaceGrantIfCurrent(
      row.discordUserId,
      row.sealedGrant,
      { sealedGrant: sealGrant(row.discordUserId, row.applicationId, next), accessTokenExpiresAt: expiryOf(tokens) },
      clock(),
    );
    if (!replaced) {
      const current = repository.find(row.discordUserId);
      return current && current.staleAt === null ? openGrant(current).accessToken : undefined;
    }
    return next.accessToken;
  }

  /** Writes `body` with the member's token when Discord does not have it yet. Serialized per member. */
  function write(discordUserId: string, body: RoleConnectionBody): Promise<WriteOutcome> {
    return serialized(discordUserId, async () => {
      const row = repository.find(discordUserId);
      if (!row) return 'none';
      if (row.staleAt !== null) return 'stale';
      const values = serializeConnection(body);
      if (row.pushedValues === values) {
        repository.recordChecked(discordUserId, clock());
        return 'unchanged';
      }
      try {
        let token = await accessTokenFor(row);
        if (token === undefined) return 'stale';
        try {
          await api.putConnection(row.applicationId, token, body);
        } catch (error) {
          if (!(error instanceof BearerRefusedError)) throw error;
          // Revoked before its expiry? A refreshed token tells a removed app from a token that just ran out.
          token = await accessTokenFor(repository.find(discordUserId) ?? row, true);
          if (token === undefined) return 'stale';
          await api.putConnection(row.applicationId, token, body);
        }
      } catch (error) {
        if (error instanceof BearerRefusedError) {
          await markStale(repository.find(discordUserId) ?? row, `Discord answered ${error.status} to a fresh token`);
          return 'stale';
        }
        logger.warn({ err: error, discordUserId }, 'could not write the role connection; the refresh retries');
        return 'pending';
      }
      repository.recordPush(discordUserId, values, clock());
      logger.info({ discordUserId }, 'role connection written');
      return 'pushed';
    });
  }

  /** Reads the member's statistics (one AniList request) and writes them. */
  async function readAndWrite(member: UsableMember, lane: 'interactive' | 'background'): Promise<WriteOutcome> {
    let statistics: RoleConnectionStatistics;
    try {
      statistics = await deps.anilist.viewerStatistics({
        key: lane === 'background' ? 'linked-roles' : member.discordUserId,
        token: member.token(),
        lane,
        signal: lane === 'background' ? stopping.signal : undefined,
      });
    } catch (error) {
      if (isAniListError(error) && error.kind === 'invalidToken') {
        member.rejectToken();
        // Their AniList link needs /link again; until then the connection keeps what it last said.
        repository.recordChecked(member.discordUserId, clock());
        return 'none';
      }
      logger.info({ discordUserId: member.discordUserId, reason: (error as Error).message }, 'could not read AniList statistics for the role connection; the refresh retries');
      return 'pending';
    }
    return write(member.discordUserId, connectionFor(statistics));
  }

  async function disconnect(discordUserId: string): Promise<DisconnectOutcome> {
    const waiting = pending.get(discordUserId);
    if (waiting) clearTimeout(waiting.timer);
    pending.delete(discordUserId);
    return serialized(discordUserId, async () => {
      const row = repository.find(discordUserId);
      if (!row) return 'none';
      let outcome: DisconnectOutcome = 'not_cleared';
      try {
        const token = row.staleAt === null ? await accessTokenFor(row) : undefined;
        if (token !== undefined) {
          await api.putConnection(row.applicationId, token, {}, AbortSignal.timeout(CLEAR_TIMEOUT_MS));
          outcome = 'cleared';
        }
      } catch (error) {
        logger.warn({ err: error, discordUserId }, 'could not clear the role connection on Discord; forgetting the tokens anyway');
      }
      repository.delete(discordUserId);
      logger.info({ discordUserId, outcome }, 'role connection removed');
      return outcome;
    });
  }

  async function pass(): Promise<RefreshSummary> {
    const summary: RefreshSummary = { pushed: 0, unchanged: 0, stale: 0, pending: 0, cleared: 0 };
    try {
      for (const discordUserId of repository.findOrphans(500)) {
        if (stopping.signal.aborted) return summary;
        if ((await disconnect(discordUserId)) === 'cleared') summary.cleared++;
      }
      for (const discordUserId of repository.findStaleUntold(100)) {
        if (stopping.signal.aborted) return summary;
        await tellStale(discordUserId);
      }
      const seen = new Set<string>();
      let failuresInARow = 0;
      for (;;) {
        const due = repository.findDueForRefresh(new Date(clock().getTime() - refreshAgeMs), 100).filter((id) => !seen.has(id));
        if (due.length === 0) break;
        for (const discordUserId of due) {
          if (stopping.signal.aborted) return summary;
          seen.add(discordUserId);
          const member = deps.links.usableMember(discordUserId);
          if (!member) {
            // An expired or rejected AniList link: nothing to read until the member links again.
            repository.recordChecked(discordUserId, clock());
            continue;
          }
          const outcome = await readAndWrite(member, 'background');
          if (outcome !== 'none') summary[outcome]++;
          failuresInARow = outcome === 'pending' ? failuresInARow + 1 : 0;
          if (failuresInARow >= MAX_CONSECUTIVE_FAILURES) {
            logger.warn({ failuresInARow }, 'stopping this role connection refresh after repeated failures; the next run retries');
            return summary;
          }
        }
      }
    } catch (error) {
      logger.error({ err: error }, 'role connection refresh failed');
    } finally {
      if (Object.values(summary).some((count) => count > 0)) logger.info(summary, 'role connection refresh finished');
    }
    return summary;
  }

  function refreshDue(): Promise<RefreshSummary> {
    refreshing ??= pass().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  function writeWaiting(discordUserId: string): Promise<WriteOutcome> {
    const waiting = pending.get(discordUserId);
    if (!waiting) return Promise.resolve('none');
    clearTimeout(waiting.timer);
    pending.delete(discordUserId);
    return write(discordUserId, waiting.body);
  }

  return {
    async connect({ discordUserId, applicationId, tokens, statistics }) {
      if (!tokens.scopes.includes(ROLE_CONNECTIONS_SCOPE)) return 'not_granted';
      const sealedGrant = sealGrant(discordUserId, applicationId, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
      await serialized(discordUserId, () => {
        repository.save({ discordUserId, applicationId, sealedGrant, accessTokenExpiresAt: expiryOf(tokens) }, clock());
        return Promise.resolve();
      });
      const member = deps.links.usableMember(discordUserId);
      if (!member) return 'none';
      if (statistics && statistics.id === member.anilistUserId) return write(discordUserId, connectionFor(statistics));
      return readAndWrite(member, 'interactive');
    },

    has: (discordUserId) => repository.find(discordUserId) !== undefined,

    noteStatistics(discordUserId, statistics) {
      const row = repository.find(discordUserId);
      if (!row || row.staleAt !== null) return;
      const body = connectionFor(statistics);
      if (!pending.has(discordUserId) && row.pushedValues === serializeConnection(body)) {
        repository.recordChecked(discordUserId, clock());
        return;
      }
      const waiting = pending.get(discordUserId);
      if (waiting) clearTimeout(waiting.timer);
      const timer = setTimeout(() => void writeWaiting(discordUserId), pushDebounceMs);
      timer.unref();
      pending.set(discordUserId, { body, timer });
    },

    disconnect,
    refreshDue,

    async registerMetadata(applicationId, translations) {
      try {
        const kept = await api.registerMetadata(applicationId, metadataRecords(translations ?? metadataTranslations(deps.i18n)));
        logger.info({ records: kept }, 'linked-roles metadata registered');
        return true;
      } catch (error) {
        logger.error(
          { err: error },
          'could not register the linked-roles metadata: check that DISCORD_TOKEN belongs to this application; linked roles keep the records registered before (if any) until the next start',
        );
        return false;
      }
    },

    async flush() {
      await Promise.all([...pending.keys()].map((discordUserId) => writeWaiting(discordUserId)));
    },


    start() {
      if (firstRun !== undefined || interval !== undefined) return;
      stopping = new AbortController();
      firstRun = setTimeout(() => void refreshDue(), deps.tuning?.firstRefreshDelayMs ?? 60_000);
      firstRun.unref();
      interval = setInterval(() => void refreshDue(), deps.tuning?.refreshIntervalMs ?? HOUR_MS);
      interval.unref();
    },

    async stop() {
      stopping.abort();
      clearTimeout(firstRun);
      clearInterval(interval);
      firstRun = undefined;
      interval = undefined;
      let deadline: ReturnType<typeof setTimeout> | undefined;
      const flushed = Promise.all([...pending.keys()].map((discordUserId) => writeWaiting(discordUserId)));
      await Promise.race([flushed, new Promise<void>((resolve) => (deadline = setTimeout(resolve, STOP_FLUSH_MS)))]);
      clearTimeout(deadline);
    },
  };
}

