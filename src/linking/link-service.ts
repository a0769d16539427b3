import { createLinkFlow, type LinkFlow, type LinkFlowDeps } from './link-flow.js';
import { createMemberDirectory, type MemberDirectory } from './members.js';

export type { AniListIdentity, CallbackInput, DiscordIdentity, IdentifyViewer, InteractionReplies, LinkCompleted, StartPage } from './link-flow.js';

export type LinkServiceDeps = LinkFlowDeps;

/** The linking module as the rest of the bot uses it: the OAuth flow, and members as views. */
export interface LinkService extends LinkFlow, MemberDirectory {}

export function createLinkService(deps: LinkServiceDeps): LinkService {
  return { ...createLinkFlow(deps), ...createMemberDirectory(deps) };
}
