import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Options, type Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { AppContext } from '../context.ts';
import { HttpError } from './errors.ts';

/** A limiter whose counters live in Redis when REDIS_URL is set, so every instance shares them. */
export function createLimiter(
  ctx: AppContext,
  name: string,
  options: Pick<Options, 'windowMs' | 'limit' | 'keyGenerator'> & Partial<Pick<Options, 'skipSuccessfulRequests'>>,
): RequestHandler {
  let store: Store | undefined;
  if (ctx.redis) {
    const redis = ctx.redis;
    store = new RedisStore({
      prefix: `lifeos:rl:${name}:`,
      sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as never,
    });
  }
  return rateLimit({
    ...options,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: name,
    ...(store ? { store } : {}),
    validate: { trustProxy: false, xForwardedForHeader: false },
    handler: (req, _res, next) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + 60_000) - Date.now()) / 1000));
      next(
        new HttpError(429, 'rate_limited', `Too many requests; try again in ${retryAfter} seconds`, {
          headers: { 'Retry-After': String(retryAfter) },
        }),
      );
    },
  });
}

export const ipKey = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');
