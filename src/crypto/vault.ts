import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const FORMAT_VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}

export interface TokenVault {
  /** Encrypts `plaintext` bound to `context` (e.g. the row it belongs to); the result is safe to store. */
  seal(plaintext: string, context: string): string;
  /** Decrypts a sealed value; throws VaultError when it was tampered with, moved to another row or sealed with an unknown key. */
  open(sealed: string, context: string): string;
}

interface VaultKey {
  readonly id: string;
  readonly material: Buffer;
}

/** A short public fingerprint of the key, stored in each sealed value so keys can be rotated later. */
export function keyId(material: Buffer): string {
  return createHash('sha256').update('anilink-token-vault-key-id').update(material).digest('base64url').slice(0, 8);
}

/**
 * AES-256-GCM with a fresh 96-bit nonce per seal. The first key seals; all keys open, so an old key can stay
 * listed while stored tokens are re-sealed with a new one.
 * Sealed format: `v1.<key id>.<nonce>.<ciphertext>.<tag>` (base64url parts).
 */
export function createTokenVault({ keys }: { keys: readonly Buffer[] }): TokenVault {
  if (keys.length === 0) throw new VaultError('the token vault needs at least one key');
  const vaultKeys: VaultKey[] = keys.map((material) => {
    if (material.length !== 32) throw new VaultError('token vault keys must be exactly 32 bytes');
    return { id: keyId(material), material: Buffer.from(material) };
  });
  const sealingKey = vaultKeys[0]!;

  const associatedData = (id: string, context: string) => Buffer.from(`${FORMAT_VERSION}\u0000${id}\u0000${context}`, 'utf8');

  return {
    seal(plaintext, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', sealingKey.material, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(sealingKey.id, context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [FORMAT_VERSION, sealingKey.id, nonce.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
    },

    open(sealed, context) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== FORMAT_VERSION) {
        throw new VaultError('sealed value is malformed or of an unknown format version');
      }
      const [, id, nonceText, ciphertextText, tagText] = parts as [string, string, string, string, string];
      const key = vaultKeys.find((candidate) => candidate.id === id);
      if (!key) {
        throw new VaultError(`sealed with key ${id}, which is not configured (was TOKEN_ENCRYPTION_KEY changed?)`);
      }
      const nonce = Buffer.from(nonceText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) {
        throw new VaultError('sealed value is malformed');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.material, nonce, { authTagLength: TAG_BYTES });
        decipher.setAAD(associatedData(id, context));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new VaultError('sealed value failed authentication (tampered, wrong key, or belongs to another row)');
      }
    },
  };
}
