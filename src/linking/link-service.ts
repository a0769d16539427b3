import { createLinkFlow, type LinkFlow, type LinkFlowDeps } from './link-flow.js';
import { createMemberDirectory, type LinkedMember, type MemberDirectory } from './members.js';

export type { AniListIdentity, CallbackInput, DiscordIdentity, IdentifyViewer, InteractionReplies, LinkCompleted, StartPage } from './link-flow.js';

export type LinkServiceDeps = LinkFlowDeps;

/** The linking module as the rest of the bot uses it: the OAuth flow, and members as views. */
export interface LinkService extends LinkFlow, MemberDirectory {
  /**
   * @deprecated Same as `member`; kept only while test/support/bot-harness.ts still calls it by this name.
   */
  findLink(discordUserId: string): LinkedMember | undefined;
}

export function createLinkService(deps: LinkServiceDeps): LinkService {
  const members = createMemberDirectory(deps);
  return { ...createLinkFlow(deps), ...members, findLink: (discordUserId) => members.member(discordUserId) };
}
