import { createHmac, randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import type { FakeAniListStore, StoredToken } from './store.js';

/** Access-token issuing/verification. HS256 with a per-fake random secret (real AniList uses RS256; the bot only decodes). */
export class TokenService {
  private readonly secret = randomBytes(32);

  constructor(
    private readonly store: FakeAniListStore,
    private readonly nowMs: () => number,
  ) {}

  /** Signs synchronously so tests can get a token without awaiting. */
  issue(userId: number, clientId: string, lifetimeSeconds: number): { token: string; record: StoredToken } {
    const iat = Math.floor(this.nowMs() / 1000);
    const jti = randomBytes(40).toString('hex');
    const record: StoredToken = { jti, userId, clientId, issuedAt: iat, expiresAt: iat + lifetimeSeconds, revoked: false };
    const header = { typ: 'JWT', alg: 'HS256' };
    const payload = { aud: clientId, jti, iat, nbf: iat, exp: iat + lifetimeSeconds, sub: String(userId), scopes: [] as string[] };
    const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const signingInput = `${enc(header)}.${enc(payload)}`;
    const sig = createHmac('sha256', this.secret).update(signingInput).digest('base64url');
    this.store.tokens.set(jti, record);
    return { token: `${signingInput}.${sig}`, record };
  }

  /** Returns the token record if the token is authentic, unexpired, unrevoked and its user still exists. */
  async verify(token: string): Promise<StoredToken | null> {
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: ['HS256'],
        currentDate: new Date(this.nowMs()),
      });
      if (typeof payload.jti !== 'string') return null;
      const rec = this.store.tokens.get(payload.jti);
      if (!rec || rec.revoked) return null;
      if (rec.expiresAt <= Math.floor(this.nowMs() / 1000)) return null;
      if (payload.sub !== String(rec.userId)) return null;
      if (!this.store.getUser(rec.userId)) return null;
      return rec;
    } catch {
      return null;
    }
  }

  /** jti of a token (no signature check), or null. */
  static jtiOf(token: string): string | null {
    const part = token.split('.')[1];
    if (!part) return null;
    try {
      const payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { jti?: unknown };
      return typeof payload.jti === 'string' ? payload.jti : null;
    } catch {
      return null;
    }
  }
}
