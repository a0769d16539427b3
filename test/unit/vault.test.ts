import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VaultError, createTokenVault, keyId } from '../../src/crypto/vault.js';

const key = randomBytes(32);
const vault = createTokenVault({ keys: [key] });
const context = 'linked-account:111:222';

describe('token vault', () => {
  it('round-trips and never stores the plaintext', () => {
    const sealed = vault.seal('secret-token-value', context);
    expect(sealed).not.toContain('secret-token-value');
    expect(sealed.startsWith(`v1.${keyId(key)}.`)).toBe(true);
    expect(vault.open(sealed, context)).toBe('secret-token-value');
  });

  it('uses a fresh nonce for every seal', () => {
    expect(vault.seal('same', context)).not.toBe(vault.seal('same', context));
  });

  it('rejects tampered ciphertext, nonce and tag', () => {
    const sealed = vault.seal('secret-token-value', context);
    const parts = sealed.split('.');
    for (const index of [2, 3, 4]) {
      const tampered = [...parts];
      const bytes = Buffer.from(tampered[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      tampered[index] = bytes.toString('base64url');
      expect(() => vault.open(tampered.join('.'), context)).toThrow(VaultError);
    }
  });

  it('rejects a sealed value moved to another row', () => {
    const sealed = vault.seal('secret-token-value', context);
    expect(() => vault.open(sealed, 'linked-account:999:222')).toThrow(/another row/);
  });

  it('rejects a value sealed with an unknown key, naming the cause', () => {
    const other = createTokenVault({ keys: [randomBytes(32)] });
    const sealed = other.seal('secret-token-value', context);
    expect(() => vault.open(sealed, context)).toThrow(/TOKEN_ENCRYPTION_KEY changed/);
  });

  it('rejects a forged key id with the right key material missing', () => {
    const sealed = vault.seal('secret-token-value', context);
    const forged = sealed.replace(keyId(key), 'AAAAAAAA');
    expect(() => vault.open(forged, context)).toThrow(VaultError);
  });

  it('opens values sealed with an older key during rotation and seals with the newest', () => {
    const oldVault = createTokenVault({ keys: [key] });
    const sealedOld = oldVault.seal('old', context);
    const newKey = randomBytes(32);
    const rotated = createTokenVault({ keys: [newKey, key] });
    expect(rotated.open(sealedOld, context)).toBe('old');
    expect(rotated.seal('new', context).split('.')[1]).toBe(keyId(newKey));
  });

  it('rejects malformed input clearly', () => {
    for (const bad of ['', 'v1', 'v2.a.b.c.d', 'v1.x.y.z', 'plain-token']) {
      expect(() => vault.open(bad, context)).toThrow(VaultError);
    }
  });

  it('refuses keys of the wrong size', () => {
    expect(() => createTokenVault({ keys: [randomBytes(16)] })).toThrow(VaultError);
    expect(() => createTokenVault({ keys: [] })).toThrow(VaultError);
  });
});
