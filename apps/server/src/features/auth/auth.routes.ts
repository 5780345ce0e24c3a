import {
  AuthResponse,
  ChangePasswordBody,
  IdParams,
  LoginBody,
  MeResponse,
  RefreshBody,
  RegisterBody,
  SessionsResponse,
  UpdateMeBody,
} from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import { createLimiter, ipKey } from '../../http/rate-limit.ts';
import type { AppContext } from '../../context.ts';
import { registerAccessTokenRoutes } from './access-tokens.routes.ts';
import { registerAccountSecurityRoutes } from './account-security.routes.ts';
import { registerPasskeyRoutes } from './passkeys.routes.ts';
import { hashesPerAddress, loginLimits, reenteredSecretLimits } from './auth.limits.ts';
import * as auth from './auth.service.ts';

const tag = 'Auth';

export function registerAuthRoutes(api: Api, ctx: AppContext): void {
  const loginLimit = loginLimits(ctx);
  const registerLimit = createLimiter(ctx, 'register', {
    windowMs: 60 * 60_000,
    limit: ctx.config.rateLimits.register,
    keyGenerator: ipKey,
  });

  api.route(
    {
      method: 'post',
      path: '/api/auth/register',
      tag,
      summary: 'Create an account and a first session',
      description:
        'With REGISTRATION=closed, 403 `forbidden` (except for the first user of a fresh server); with REGISTRATION=invite, send `inviteCode` (from `npm run user -- invite`).',
      auth: false,
      body: RegisterBody,
      before: [hashesPerAddress(ctx), registerLimit],
      responses: { 201: AuthResponse },
      errors: [403, 409, 429, 503],
    },
    async ({ body, req }) => ({ status: 201, body: await auth.register(ctx, body, req.get('accept-language')) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/login',
      tag,
      summary: 'Sign in; every sign-in is a new session (one per device)',
      description:
        'With two-factor on, the right password answers 401 `{ code: "mfa_required", mfaToken }` and creates no session; complete it with `POST /api/auth/login/mfa`.',
      auth: false,
      body: LoginBody,
      before: loginLimit,
      responses: { 200: AuthResponse },
      errors: [401, 429, 503],
    },
    async ({ body }) => ({ status: 200, body: await auth.login(ctx, body) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/refresh',
      tag,
      summary: 'Exchange a refresh token for new tokens (the refresh token rotates)',
      auth: false,
      body: RefreshBody,
      responses: { 200: AuthResponse },
      errors: [401],
    },
    async ({ body }) => ({ status: 200, body: await auth.refresh(ctx, body.refreshToken) }),
  );

  api.route(
    { method: 'post', path: '/api/auth/logout', tag, summary: 'End this session', responses: { 204: null } },
    async ({ auth: who }) => {
      await auth.logout(ctx, who);
      return { status: 204 };
    },
  );

  api.route(
    { method: 'get', path: '/api/auth/me', tag, summary: 'The signed-in user', responses: { 200: MeResponse } },
    ({ auth: who }) => ({ status: 200, body: { user: who.user } }),
  );

  api.route(
    {
      method: 'patch',
      path: '/api/auth/me',
      tag,
      summary: 'Change username, time zone or settings',
      body: UpdateMeBody,
      responses: { 200: MeResponse },
    },
    async ({ auth: who, body }) => ({ status: 200, body: { user: await auth.updateMe(ctx, who, body) } }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/password',
      tag,
      summary: 'Change the password; every other session is signed out',
      body: ChangePasswordBody,
      before: reenteredSecretLimits(ctx, 'password'),
      responses: { 204: null },
      errors: [403, 429, 503],
    },
    async ({ auth: who, body }) => {
      await auth.changePassword(ctx, who, body);
      return { status: 204 };
    },
  );

  api.route(
    { method: 'get', path: '/api/auth/sessions', tag, summary: 'Signed-in devices', responses: { 200: SessionsResponse } },
    async ({ auth: who }) => ({ status: 200, body: { sessions: await auth.listSessions(ctx, who) } }),
  );

  api.route(
    {
      method: 'delete',
      path: '/api/auth/sessions/:id',
      tag,
      summary: 'Sign a device out',
      params: IdParams,
      responses: { 204: null },
      errors: [404],
    },
    async ({ auth: who, params }) => {
      await auth.deleteSession(ctx, who, params.id);
      return { status: 204 };
    },
  );

  registerAccessTokenRoutes(api, ctx);
  registerAccountSecurityRoutes(api, ctx);
  registerPasskeyRoutes(api, ctx);
}
