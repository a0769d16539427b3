import { createTokenVault } from '../crypto/vault.js';
import type { LinkedAccount, LinkedAccountsRepository } from '../db/linked-accounts.js';
import type { LinkRequestsRepository } from '../db/link-requests.js';
import type { Logger } from '../logger.js';
import { createLinkService } from '../oauth/link-service.js';

const unused = (): never => {
  throw new Error('not used by the doctor');
};

/**
 * Opens a stored token exactly the way the bot does (LinkService.accessTokenFor, which knows how tokens are
 * bound to their row), with the given key. The link service's other collaborators are never called here.
 */
export function createStoredTokenOpener({ key, logger }: { key: Buffer; logger: Logger }): (account: LinkedAccount) => string {
  const links = createLinkService({
    linkRequests: {} as LinkRequestsRepository,
    accounts: {} as LinkedAccountsRepository,
    vault: createTokenVault({ keys: [key] }),
    exchangeToken: unused,
    identifyViewer: unused,
    replies: { editOriginal: unused },
    clock: () => new Date(),
    logger,
    oauth: { publicUrl: '', authorizeUrl: '', clientId: '', redirectUri: '' },
  });
  return (account) => links.accessTokenFor(account);
}
