import type { TokenVault } from '../crypto/vault.js';

/** Which row a sealed token belongs to: a sealed value copied to another member's row does not open there. */
interface TokenOwner {
  readonly discordUserId: string;
  readonly anilistUserId: number;
}

const accessTokenContext = ({ discordUserId, anilistUserId }: TokenOwner) => `linked-account:${discordUserId}:${anilistUserId}`;

export function sealAccessToken(vault: TokenVault, owner: TokenOwner, accessToken: string): string {
  return vault.seal(accessToken, accessTokenContext(owner));
}

/** Opens a member's stored AniList token (also used by `npm run doctor` to prove the key still fits). */
export function openAccessToken(vault: TokenVault, account: TokenOwner & { readonly sealedToken: string }): string {
  return vault.open(account.sealedToken, accessTokenContext(account));
}
