import * as SecureStore from 'expo-secure-store';
import type { StoredSession, TokenStore } from './api-client';
import { SESSION_KEY, parseStoredSession } from './stored-session';

// AFTER_FIRST_UNLOCK: the live-sync reconnect may refresh while the screen is locked.
const options: SecureStore.SecureStoreOptions = { keychainAccessible: SecureStore.AFTER_FIRST_UNLOCK };

/** Tokens in the iOS Keychain / Android Keystore, never in AsyncStorage. */
export function createTokenStore(): TokenStore {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    async load() {
      return parseStoredSession(await SecureStore.getItemAsync(SESSION_KEY, options));
    },
    async save(session: StoredSession) {
      await SecureStore.setItemAsync(SESSION_KEY, JSON.stringify(session), options);
    },
    async clear() {
      await SecureStore.deleteItemAsync(SESSION_KEY, options);
    },
    withLock<T>(fn: () => Promise<T>): Promise<T> {
      const run = queue.then(fn, fn);
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
