import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AppContext } from '../../context.ts';
import { browserBindingCookie } from './connections.service.ts';

const ctxWith = (env: string, redirectUri: string) =>
  ({
    config: {
      env,
      google: { clientId: 'id', clientSecret: 'secret', redirectUri, authUrl: 'https://accounts.example/auth', tokenUrl: 'https://oauth.example/token' },
      allowPrivateHosts: false,
    },
  }) as unknown as AppContext;

describe('the cookie that binds a Google consent to its browser', () => {
  it('when the server runs in production or behind https, then the cookie is Secure (and named so), HttpOnly, Lax, on the callback folder only', () => {
    for (const ctx of [ctxWith('production', 'https://lifeos.example/auth/google/callback'), ctxWith('production', 'http://lifeos.example/auth/google/callback'), ctxWith('development', 'https://lifeos.example/auth/google/callback')]) {
      const cookie = browserBindingCookie(ctx);
      assert.equal(cookie.name, '__Secure-lifeos_google_consent');
      assert.deepEqual(cookie.options, { httpOnly: true, sameSite: 'lax', secure: true, path: '/auth/google/', maxAge: 600_000 });
    }
  });

  it('when the callback is plain http in development, then the cookie is not Secure, and a prefixed path is kept', () => {
    const cookie = browserBindingCookie(ctxWith('development', 'http://localhost:3000/lifeos/auth/google/callback'));
    assert.equal(cookie.name, 'lifeos_google_consent');
    assert.equal(cookie.options.secure, false);
    assert.equal(cookie.options.path, '/lifeos/auth/google/');
  });
});
