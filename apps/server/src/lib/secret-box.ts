// Secrets at rest: AES-256-GCM, a random 96-bit nonce per value, the owner,
// purpose and row bound as associated data (a value copied to another row or
// user fails to decrypt), and the key's id stored with the value so keys rotate.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// NOTE: `v1` values were sealed before the row id was part of the associated data
// (user and purpose only). Databases deployed then still hold them, so they keep
// opening with their old associated data; every new seal is `v2` and names the row.
// needsRotation() flags v1 values so they are re-sealed when next written.
const CURRENT = 'v2';
const LEGACY = 'v1';
const TAG_BYTES = 16;

export interface SecretBinding {
  userId: string;
  /** What the secret is for, e.g. `connection:imap`. */
  purpose: string;
  /** The id of the row that holds the sealed value. */
  rowId: string;
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);
// JSON keeps the parts apart: no user id, purpose or row id can be chosen to read as another's.
const aad = (version: string, b: SecretBinding) =>
  version === LEGACY ? Buffer.from(`lifeos:v1:${b.userId}:${b.purpose}`) : Buffer.from(`lifeos:${version}:${JSON.stringify([b.userId, b.purpose, b.rowId])}`);

export interface SecretBox {
  seal(plaintext: string, binding: SecretBinding): string;
  open(sealed: string, binding: SecretBinding): string;
  /** True when the value was sealed with an older key or format and should be re-sealed. */
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
      if (!binding.rowId) throw new SecretBoxError('A sealed secret must name its row');
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(CURRENT, binding));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [CURRENT, currentId, nonce.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
    },
    open(sealed, binding) {
      const [version, id, nonce, ciphertext, tag, ...rest] = sealed.split('.');
      if ((version !== CURRENT && version !== LEGACY) || !id || !nonce || ciphertext === undefined || !tag || rest.length > 0) {
        throw new SecretBoxError('Malformed secret');
      }
      const key = byId.get(id);
      if (!key) throw new SecretBoxError('The key this secret was sealed with is not configured');
      const tagBytes = Buffer.from(tag, 'base64url');
      // GCM accepts tags as short as 4 bytes unless told otherwise; a short tag is forgeable.
      if (tagBytes.length !== TAG_BYTES) throw new SecretBoxError('The secret could not be decrypted (wrong key or tampered value)');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'), { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(version, binding));
        decipher.setAuthTag(tagBytes);
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('The secret could not be decrypted (wrong key or tampered value)');
      }
    },
    needsRotation: (sealed) => {
      const [version, id] = sealed.split('.');
      return version !== CURRENT || id !== currentId;
    },
  };
}
