// Authentication of every request: `Authorization: Bearer <token>`, either a
// session's access token (a short-lived JWT) or a personal access token
// (`lifeos_pat_…`). The result is `res.locals.auth` (an AuthInfo; route
// handlers get it as `auth`). A personal access token may use only the routes
// its scopes cover, below; everything else is a 403 for it: tokens, sessions,
// two-factor, the password and the account are never managed with a token.
import type { Request, RequestHandler, Response } from 'express';
import type { Scope } from '@lifeos/contract';
import type { AppContext } from '../context.ts';
import { authenticateAccessToken, isPersonalAccessToken } from '../features/auth/access-tokens.service.ts';
import { authenticate, type AuthInfo } from '../features/auth/auth.service.ts';
import { HttpError, unauthorized } from './errors.ts';
import { createLimiter } from './rate-limit.ts';

export type { AuthInfo };

/** `any`: every token may; a scope: tokens carrying it may; no `write`: no token may change anything there. */
type TokenRule = { path: RegExp; read: Scope | 'any'; write?: Scope | 'any' };

// Default deny: a route not listed here is closed to personal access tokens.
const TOKEN_ROUTES: TokenRule[] = [
  { path: /^\/api\/auth\/me$/, read: 'any' },
  { path: /^\/api\/(messages|agents|actions)(\/|$)/, read: 'chat', write: 'chat' },
  { path: /^\/api\/calendar\/events(\/|$)/, read: 'cal.read', write: 'cal.write' },
  { path: /^\/api\/reminders(\/|$)/, read: 'cal.read', write: 'cal.write' },
  { path: /^\/api\/memories(\/|$)/, read: 'mem.read', write: 'mem.write' },
  { path: /^\/api\/connections$/, read: 'mail.read' },
  // MCP: every token may connect; each tool checks its own scope (requireScope) and lists only those it may use.
  { path: /^\/mcp$/, read: 'any', write: 'any' },
];

const READ_METHODS = new Set(['GET', 'HEAD']);

/** The scope a personal access token needs for a route (its Express path), or undefined when no token may use it. */
export function scopeForRoute(method: string, routePath: string): Scope | 'any' | undefined {
  const rule = TOKEN_ROUTES.find((r) => r.path.test(routePath));
  if (!rule) return undefined;
  return READ_METHODS.has(method.toUpperCase()) ? rule.read : rule.write;
}

/** True when the credential may act with `scope` (a session may do everything). */
export const hasScope = (auth: AuthInfo, scope: Scope | 'any') => auth.scopes === null || scope === 'any' || auth.scopes.includes(scope);

/** 403 unless the signed-in credential carries `scope`: for routes outside the table, e.g. an MCP tool call. */
export function requireScope(auth: AuthInfo, scope: Scope): void {
  if (!hasScope(auth, scope)) throw new HttpError(403, 'forbidden', `This personal access token does not have the ${scope} scope`);
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** The credential behind an Authorization header, or null (missing, malformed, expired or revoked). */
export async function authenticateBearer(ctx: AppContext, header: string | undefined): Promise<AuthInfo | null> {
  const match = BEARER.exec(header ?? '');
  if (!match) return null;
  const bearer = match[1]!;
  return isPersonalAccessToken(bearer) ? authenticateAccessToken(ctx, bearer) : authenticate(ctx, bearer);
}

/** Bearer token -> res.locals.auth; 401 for anything missing, malformed, expired or revoked; 403 for a token outside its scopes. */
export function authMiddleware(ctx: AppContext): RequestHandler {
  const perToken = createLimiter(ctx, 'token', {
    windowMs: 60_000,
    limit: ctx.config.rateLimits.token,
    keyGenerator: (_req, res) => String((res.locals.auth as AuthInfo).sessionId),
  });
  return async (req, res, next) => {
    try {
      if (!BEARER.test(req.headers.authorization ?? '')) {
        next(unauthorized());
        return;
      }
      const auth = await authenticateBearer(ctx, req.headers.authorization);
      if (!auth) {
        next(unauthorized('The access token is invalid, expired or revoked'));
        return;
      }
      res.locals.auth = auth;
      if (auth.kind === 'session') {
        next();
        return;
      }
      const scope = scopeForRoute(req.method, routePath(req, res));
      if (!scope || !hasScope(auth, scope)) {
        next(
          new HttpError(
            403,
            'forbidden',
            scope ? `This personal access token does not have the ${scope} scope` : 'This route cannot be used with a personal access token; sign in instead',
          ),
        );
        return;
      }
      await perToken(req, res, next);
    } catch (err) {
      next(err);
    }
  };
}

/** The route's declared path (e.g. `/api/memories/:id`), so ids in the URL cannot steer the table. */
const routePath = (req: Request, _res: Response): string => (typeof req.route?.path === 'string' ? req.route.path : req.path);
