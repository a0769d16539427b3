import { createTokenVault } from '../crypto/vault.js';
import type { LinkedAccount } from '../db/linked-accounts.js';
import { openAccessToken } from '../linking/index.js';

/** Opens a stored token exactly the way the bot does, with the given key, to prove the key still fits. */
export function createStoredTokenOpener({ key }: { key: Buffer }): (account: LinkedAccount) => string {
  const vault = createTokenVault({ keys: [key] });
  return (account) => openAccessToken(vault, account);
}
