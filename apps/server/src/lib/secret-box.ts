// Secrets at rest: AES-256-GCM, a random 96-bit nonce per value, the owner and
// purpose bound as associated data (a value copied to another row or user
// fails to decrypt), and the key's id stored with the value so keys rotate.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export interface SecretBinding {
  userId: string;
  /** What the secret is for, e.g. `connection:imap`. */
  purpose: string;
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);
const aad = (b: SecretBinding) => Buffer.from(`lifeos:${VERSION}:${b.userId}:${b.purpose}`);

export interface SecretBox {
  seal(plaintext: string, binding: SecretBinding): string;
  open(sealed: string, binding: SecretBinding): string;
  /** True when the value was sealed with an older key and should be re-sealed. */
  needsRotation(sealed: string): boolean;
}

/** `keys[0]` seals; every key opens what it sealed. */
export function createSecretBox(keys: Buffer[]): SecretBox {
  if (keys.length === 0) throw new SecretBoxError('At least one key is required');
  const byId = new Map(keys.map((k) => [keyId(k), k]));
  const current = keys[0]!;
  const currentId = keyId(current);
  return {
    seal(plaintext, binding) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, nonce);
      cipher.setAAD(aad(binding));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, currentId, nonce.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
    },
    open(sealed, binding) {
      const [version, id, nonce, ciphertext, tag] = sealed.split('.');
      if (version !== VERSION || !id || !nonce || ciphertext === undefined || !tag) throw new SecretBoxError('Malformed secret');
      const key = byId.get(id);
      if (!key) throw new SecretBoxError('The key this secret was sealed with is not configured');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
        decipher.setAAD(aad(binding));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('The secret could not be decrypted (wrong key or tampered value)');
      }
    },
    needsRotation: (sealed) => sealed.split('.')[1] !== currentId,
  };
}
