import { AuthResponse, IdParams, Passkey, PasskeyLoginBody, PasskeyOptionsResponse, PasskeyRegisterBody, PasskeysResponse } from '@lifeos/contract';
import * as z from 'zod';
import type { Api } from '../../http/api.ts';
import { createLimiter, failureLimits, ipKey } from '../../http/rate-limit.ts';
import type { AppContext } from '../../context.ts';
import * as passkeys from './passkeys.service.ts';

const tag = 'Auth';

export function registerPasskeyRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'post',
      path: '/api/auth/passkeys/register/options',
      tag,
      summary: 'Start adding a passkey: WebAuthn creation options for the browser',
      responses: { 200: PasskeyOptionsResponse },
      errors: [403],
    },
    async ({ auth }) => ({ status: 200, body: await passkeys.startPasskeyRegistration(ctx, auth) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/passkeys/register',
      tag,
      summary: 'Finish adding a passkey with the browser’s attestation (RegistrationResponseJSON)',
      body: PasskeyRegisterBody,
      responses: { 201: z.object({ passkey: Passkey }) },
      errors: [403, 409],
    },
    async ({ auth, body }) => ({ status: 201, body: { passkey: await passkeys.finishPasskeyRegistration(ctx, auth, body) } }),
  );

  api.route(
    { method: 'get', path: '/api/auth/passkeys', tag, summary: 'The user’s passkeys', responses: { 200: PasskeysResponse }, errors: [403] },
    async ({ auth }) => ({ status: 200, body: { passkeys: await passkeys.listPasskeys(ctx, auth.userId) } }),
  );

  api.route(
    { method: 'delete', path: '/api/auth/passkeys/:id', tag, summary: 'Remove a passkey', params: IdParams, responses: { 204: null }, errors: [403, 404] },
    async ({ auth, params }) => {
      await passkeys.removePasskey(ctx, auth, params.id);
      return { status: 204 };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/passkeys/login/options',
      tag,
      summary: 'Start signing in with a passkey: WebAuthn request options (discoverable credentials)',
      auth: false,
      // Each start stores a challenge for 5 minutes: bounded per address.
      before: [createLimiter(ctx, 'passkey-options', { windowMs: 60_000, limit: ctx.config.rateLimits.loginAddress, keyGenerator: ipKey })],
      responses: { 200: PasskeyOptionsResponse },
      errors: [429],
    },
    async () => ({ status: 200, body: await passkeys.startPasskeySignIn(ctx) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/passkeys/login',
      tag,
      summary: 'Sign in with the browser’s passkey assertion (AuthenticationResponseJSON); a new session',
      auth: false,
      body: PasskeyLoginBody,
      before: failureLimits(ctx, [{ name: 'passkey-address', windowMs: 15 * 60_000, limit: ctx.config.rateLimits.loginAddress, key: ipKey }]),
      responses: { 200: AuthResponse },
      errors: [401, 429],
    },
    async ({ body }) => ({ status: 200, body: await passkeys.finishPasskeySignIn(ctx, body) }),
  );
}
