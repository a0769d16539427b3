import { DiscordAPIError, Routes, type REST } from 'discord.js';
import type { MetadataRecord, RoleConnectionBody } from './metadata.js';

/** Discord's answer to a member's Bearer token: 401 when it expired or was revoked. */
export class BearerRefusedError extends Error {
  constructor(readonly status: number) {
    super(`Discord refused the member's token (${status})`);
    this.name = 'BearerRefusedError';
  }
}

export interface RoleConnectionApi {
  /** `PUT /applications/{id}/role-connections/metadata` with the bot token; resolves to the records Discord kept. */
  registerMetadata(applicationId: string, records: readonly MetadataRecord[]): Promise<number>;
  /**
   * `PUT /users/@me/applications/{id}/role-connection` with the member's Bearer token; an empty body clears the
   * connection. Rejects with BearerRefusedError when Discord refuses the token, with the REST error otherwise.
   */
  putConnection(applicationId: string, accessToken: string, body: RoleConnectionBody | Record<string, never>, signal?: AbortSignal): Promise<void>;
}

/**
 * Both calls go through discord.js's REST queue, which honours Discord's rate limits (buckets, Retry-After, the
 * global limit). Bearer calls use their own REST instance without a token (`auth: false`, the member's token in the
 * Authorization header): their limits are the member's, not the bot's, and a 401 there must never make the bot's
 * REST drop its own token.
 */
export function createRoleConnectionApi({ botRest, bearerRest }: { botRest: REST; bearerRest: REST }): RoleConnectionApi {
  return {
    async registerMetadata(applicationId, records) {
      const kept = (await botRest.put(Routes.applicationRoleConnectionMetadata(applicationId), { body: records })) as unknown[] | null;
      return kept?.length ?? 0;
    },

    async putConnection(applicationId, accessToken, body, signal) {
      try {
        await bearerRest.put(Routes.userApplicationRoleConnection(applicationId), {
          body,
          signal,
          auth: false,
          headers: { Authorization: `Bearer ${accessToken}` },
        });
      } catch (error) {
        if (error instanceof DiscordAPIError && (error.status === 401 || error.status === 403)) throw new BearerRefusedError(error.status);
        throw error;
      }
    },
  };
}
