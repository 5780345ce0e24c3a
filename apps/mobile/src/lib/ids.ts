import * as Crypto from 'expo-crypto';

/** A v4 UUID for clientId: the server deduplicates retries by it. */
export function newClientId(): string {
  return Crypto.randomUUID();
}
