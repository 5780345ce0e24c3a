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
import * as auth from './auth.service.ts';

const tag = 'Auth';

export function registerAuthRoutes(api: Api, ctx: AppContext): void {
  const loginLimit = createLimiter(ctx, 'login', {
    windowMs: 15 * 60_000,
    limit: ctx.config.rateLimits.login,
    skipSuccessfulRequests: true,
    // Per account and address: one attacker cannot lock a user out from everywhere.
    // Runs before validation: the body may be anything, e.g. an email object whose toString is not a function.
    keyGenerator: (req) => `${ipKey(req)}:${typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : ''}`,
  });
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
      auth: false,
      body: RegisterBody,
      before: [registerLimit],
      responses: { 201: AuthResponse },
      errors: [409, 429],
    },
    async ({ body, req }) => ({ status: 201, body: await auth.register(ctx, body, req.get('accept-language')) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/login',
      tag,
      summary: 'Sign in; every sign-in is a new session (one per device)',
      auth: false,
      body: LoginBody,
      before: [loginLimit],
      responses: { 200: AuthResponse },
      errors: [401, 429],
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
      responses: { 204: null },
      errors: [403],
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
}
