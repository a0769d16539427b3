// The public face of the linking module. Other rooms import from here; the sealed token and the vault stay inside.
export { createLinkService, type LinkService, type LinkServiceDeps } from './link-service.js';
export type {
  AniListIdentity,
  CallbackInput,
  DiscordIdentity,
  DiscordSignInResult,
  IdentifyViewer,
  InteractionReplies,
  LinkCompleted,
  LinkFlow,
  RoleConnectionGrant,
  StartPage,
  VerificationStart,
} from './link-flow.js';
export {
  LINK_EXPIRED,
  RUN_LINK_FIRST,
  isUsable,
  type LinkState,
  type LinkSummary,
  type LinkedMember,
  type MemberDirectory,
  type ServerViews,
  type UsableMember,
} from './members.js';
export { openAccessToken } from './access-token.js';
export { LinkFailure, UNPROVEN_FAILURES, type LinkFailureKind } from './link-failure.js';
export { createDiscordOAuth, type DiscordAccount, type DiscordOAuth, type DiscordOAuthConfig, type DiscordTokens } from './discord-oauth.js';
