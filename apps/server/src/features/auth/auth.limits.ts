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
import type { ErrorCode } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { createLimiter, failureLimits, inFlightLimit, ipKey } from '../../http/rate-limit.ts';
import { challengeUser } from './mfa.service.ts';

const MINUTE = 60_000;

/** The body's email as the account key, or undefined when there is none (validation answers those). */
export const emailKey = (req: Request) =>
  typeof req.body?.email === 'string' && req.body.email.trim() ? req.body.email.trim().toLowerCase() : undefined;

const inFlightByAddress = new WeakMap<AppContext, RequestHandler>();

/** Password checks in flight per address, across login, registration and reset: one client cannot fill the hash queue. */
export function hashesPerAddress(ctx: AppContext): RequestHandler {
  let limit = inFlightByAddress.get(ctx);
  if (!limit) inFlightByAddress.set(ctx, (limit = inFlightLimit(ctx.config.passwordHashing.perClient, ipKey)));
  return limit;
}

export function loginLimits(ctx: AppContext): RequestHandler[] {
  const { login, loginAddress, loginAccount } = ctx.config.rateLimits;
  return [hashesPerAddress(ctx), ...failureLimits(ctx, [
    // Runs before validation: the body may be anything, e.g. an email object whose toString is not a function.
    { name: 'login', windowMs: 15 * MINUTE, limit: login, key: (req) => `${ipKey(req)}:${emailKey(req) ?? ''}` },
    { name: 'login-address', windowMs: 15 * MINUTE, limit: loginAddress, key: ipKey },
    { name: 'login-account', windowMs: 60 * MINUTE, limit: loginAccount, key: emailKey },
  ])];
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
    // A wrong password is a 403 invalid_credentials; a wrong code while setting up two-factor a 400 naming `code`.
    const failures: ErrorCode[] = secret === 'password' ? ['invalid_credentials'] : ['invalid_credentials', 'validation_failed'];
    limits = [inFlightLimit(ctx.config.passwordHashing.perClient, (_req, res) => signedIn(res)?.userId), ...failureLimits(
      ctx,
      [
        { name: `reentered-${secret}-session`, windowMs: 15 * MINUTE, limit, key: (_req, res) => signedIn(res)?.sessionId },
        { name: `reentered-${secret}-user`, windowMs: 60 * MINUTE, limit: limit * 2, key: (_req, res) => signedIn(res)?.userId },
      ],
      failures,
    )];
    byName.set(secret, limits);
  }
  return limits;
}

/** Login's second step: wrong codes per address, and per account (found from the mfaToken), like passwords. */
export function secondFactorLimits(ctx: AppContext): RequestHandler[] {
  const { login, loginAddress } = ctx.config.rateLimits;
  const mfaToken = (req: Request) => (typeof req.body?.mfaToken === 'string' ? req.body.mfaToken : undefined);
  return [
    ...failureLimits(ctx, [{ name: 'mfa-address', windowMs: 15 * MINUTE, limit: loginAddress, key: ipKey }], ['invalid_credentials', 'unauthorized']),
    ...failureLimits(ctx, [
      {
        name: 'mfa-account',
        windowMs: 15 * MINUTE,
        limit: login,
        key: async (req) => {
          const token = mfaToken(req);
          return token ? challengeUser(ctx, token) : undefined;
        },
      },
    ]),
  ];
}

/** Password-reset mail: every request counts, per address and per account. */
export function forgotPasswordLimits(ctx: AppContext): RequestHandler[] {
  const limit = ctx.config.rateLimits.passwordCheck;
  return [
    createLimiter(ctx, 'forgot-address', { windowMs: 15 * MINUTE, limit, keyGenerator: ipKey }),
    createLimiter(ctx, 'forgot-account', { windowMs: 60 * MINUTE, limit, keyGenerator: (req) => emailKey(req) ?? '', skip: (req) => !emailKey(req) }),
  ];
}

/** Reset links tried: a wrong one counts against the address. */
export const resetPasswordLimits = (ctx: AppContext) => [
  hashesPerAddress(ctx),
  ...failureLimits(ctx, [{ name: 'reset-address', windowMs: 15 * MINUTE, limit: ctx.config.rateLimits.loginAddress, key: ipKey }], ['validation_failed']),
];
