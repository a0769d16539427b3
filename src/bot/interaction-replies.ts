import { Routes, type REST } from 'discord.js';
import type { InteractionReplies } from '../linking/index.js';

/** Edits an interaction's original reply through its webhook token; no bot authorization is involved. */
export function createInteractionReplies(rest: REST): InteractionReplies {
  return {
    async editOriginal(applicationId, interactionToken, content) {
      await rest.patch(Routes.webhookMessage(applicationId, interactionToken), {
        body: { content, components: [], allowed_mentions: { parse: [] } },
        auth: false,
      });
    },
  };
}
