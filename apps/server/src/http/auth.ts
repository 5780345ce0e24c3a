import type { RequestHandler } from 'express';
import type { AppContext } from '../context.ts';
import { authenticate, type AuthInfo } from '../features/auth/auth.service.ts';
import { unauthorized } from './errors.ts';

export type { AuthInfo };

/** Bearer access token -> res.locals.auth; 401 for anything missing, malformed, expired or revoked. */
export function authMiddleware(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    try {
      const header = req.headers.authorization ?? '';
      const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
      if (!match) {
        next(unauthorized());
        return;
      }
      const auth = await authenticate(ctx, match[1]!);
      if (!auth) {
        next(unauthorized('The access token is invalid, expired or revoked'));
        return;
      }
      res.locals.auth = auth;
      next();
    } catch (err) {
      next(err);
    }
  };
}
