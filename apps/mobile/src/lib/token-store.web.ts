import type { StoredSession, TokenStore } from './api-client';
import { SESSION_KEY, parseStoredSession } from './stored-session';

/**
 * Web: the session lives in this origin's localStorage, which the Same-Origin
 * Policy keeps out of reach of every other origin. The app is served by the API
 * server itself (same origin, no CORS allowance), tokens travel only in the
 * Authorization header (never as ambient cookies, so no CSRF), the server's
 * Content-Security-Policy allows scripts from this origin only, and refresh tokens
 * rotate with reuse detection, so a copied refresh token ends the session.
 */
export function createTokenStore(): TokenStore {
  const storage = typeof window === 'undefined' ? null : window.localStorage;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    async load() {
      return parseStoredSession(storage?.getItem(SESSION_KEY) ?? null);
    },
    async save(session: StoredSession) {
      storage?.setItem(SESSION_KEY, JSON.stringify(session));
    },
    async clear() {
      storage?.removeItem(SESSION_KEY);
    },
    withLock<T>(fn: () => Promise<T>): Promise<T> {
      // Tabs of one browser share the session: only one of them may rotate it.
      const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
      if (locks) return locks.request('lifeos.session.refresh', fn) as Promise<T>;
      const run = queue.then(fn, fn);
      queue = run.catch(() => undefined);
      return run;
    },
    subscribe(listener: () => void) {
      if (typeof window === 'undefined') return () => undefined;
      const onStorage = (event: StorageEvent) => {
        if (event.key === SESSION_KEY || event.key === null) listener();
      };
      window.addEventListener('storage', onStorage);
      return () => window.removeEventListener('storage', onStorage);
    },
  };
}
