// The limits on guessing a secret, in one table per kind of guess. Each rule
// counts failures only (a wrong password or code), through failureLimits, so
// a user who signs in right is never slowed by their own earlier typos past
// the first limit, and every instance shares the counters (Redis when set).
//
// Login:   per address and email (a typo'd password, one device), per address
//          across every email (password spraying from one address), and per
//          account across every address (a distributed guess at one account;
//          higher, so it takes many addresses to lock a user out for the hour).
// Re-entered passwords and codes of a signed-in user (password change,
// account deletion, turning two-factor off): per session and per user, so a
// stolen token cannot be used to guess the password behind it.
import type { Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { failureLimits, ipKey } from '../../http/rate-limit.ts';

const MINUTE = 60_000;

/** The body's email as the account key, or undefined when there is none (validation answers those). */
export const emailKey = (req: Request) =>
  typeof req.body?.email === 'string' && req.body.email.trim() ? req.body.email.trim().toLowerCase() : undefined;

export function loginLimits(ctx: AppContext): RequestHandler[] {
  const { login, loginAddress, loginAccount } = ctx.config.rateLimits;
  return failureLimits(ctx, [
    // Runs before validation: the body may be anything, e.g. an email object whose toString is not a function.
    { name: 'login', windowMs: 15 * MINUTE, limit: login, key: (req) => `${ipKey(req)}:${emailKey(req) ?? ''}` },
    { name: 'login-address', windowMs: 15 * MINUTE, limit: loginAddress, key: ipKey },
    { name: 'login-account', windowMs: 60 * MINUTE, limit: loginAccount, key: emailKey },
  ]);
}

const signedIn = (res: Response) => res.locals.auth as AuthInfo | undefined;

const shared = new WeakMap<AppContext, Map<string, RequestHandler[]>>();

/**
 * For routes where a signed-in user re-enters a secret: `password` (password
 * change, account deletion, two-factor off) or `code` (a TOTP code). Routes
 * that check the same secret share one set of counters.
 */
export function reenteredSecretLimits(ctx: AppContext, secret: 'password' | 'code'): RequestHandler[] {
  let byName = shared.get(ctx);
  if (!byName) shared.set(ctx, (byName = new Map()));
  let limits = byName.get(secret);
  if (!limits) {
    const limit = ctx.config.rateLimits.passwordCheck;
    limits = failureLimits(ctx, [
      { name: `reentered-${secret}-session`, windowMs: 15 * MINUTE, limit, key: (_req, res) => signedIn(res)?.sessionId },
      { name: `reentered-${secret}-user`, windowMs: 60 * MINUTE, limit: limit * 2, key: (_req, res) => signedIn(res)?.userId },
    ]);
    byName.set(secret, limits);
  }
  return limits;
}
