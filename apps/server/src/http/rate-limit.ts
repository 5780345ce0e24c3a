import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Options, type Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { ErrorCode } from '@lifeos/contract';
import type { AppContext } from '../context.ts';
import { HttpError } from './errors.ts';

type LimiterOptions = Pick<Options, 'windowMs' | 'limit' | 'keyGenerator'> &
  Partial<Pick<Options, 'skipSuccessfulRequests' | 'requestWasSuccessful' | 'skip'>>;

/** A limiter whose counters live in Redis when REDIS_URL is set, so every instance shares them. */
export function createLimiter(ctx: AppContext, name: string, options: LimiterOptions): RequestHandler {
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

/** One counter of a limit: what it counts by, over which window, up to how many. */
export interface LimitRule {
  /** Names the counter (and its keys in Redis). */
  name: string;
  windowMs: number;
  limit: number;
  /** The counter this request belongs to; undefined leaves the request out of this rule. */
  key: (req: Request, res: Response) => string | undefined | Promise<string | undefined>;
}

/**
 * Limits on failed guesses (passwords, codes): every rule is checked before
 * the handler runs, and a request counts only if it ends with one of the
 * `failures` problem codes (HttpError's code, see http/errors.ts). While a
 * request is in flight it counts, so a burst of parallel guesses is bounded
 * too. The routes of every guessable secret use this one function.
 */
export function failureLimits(
  ctx: AppContext,
  rules: LimitRule[],
  failures: readonly ErrorCode[] = ['invalid_credentials'],
): RequestHandler[] {
  return rules.map((rule) => {
    const keys = new WeakMap<Request, Promise<string | undefined>>();
    const keyOf = (req: Request, res: Response) => {
      let key = keys.get(req);
      if (!key) keys.set(req, (key = Promise.resolve(rule.key(req, res))));
      return key;
    };
    return createLimiter(ctx, rule.name, {
      windowMs: rule.windowMs,
      limit: rule.limit,
      skip: async (req, res) => (await keyOf(req, res)) === undefined,
      keyGenerator: async (req, res) => (await keyOf(req, res))!,
      skipSuccessfulRequests: true,
      requestWasSuccessful: (_req, res) => !failures.includes(res.locals.problemCode as ErrorCode),
    });
  });
}

/**
 * At most `max` requests in flight per key on this instance (e.g. password
 * checks per address); more wait in that key's own line (up to `waiting`,
 * then 429), so one client cannot fill the password-hash queue that every
 * other user's sign-in waits in, and a burst from one client is slowed, not
 * refused. Per instance, as what it protects (the thread pool) is.
 */
export function inFlightLimit(max: number, key: (req: Request, res: Response) => string | undefined, waiting = 64): RequestHandler {
  const lines = new Map<string, { running: number; queue: (() => void)[] }>();
  return (req, res, next) => {
    const k = key(req, res);
    if (k === undefined) {
      next();
      return;
    }
    let line = lines.get(k);
    if (!line) lines.set(k, (line = { running: 0, queue: [] }));
    const own = line;
    let state: 'waiting' | 'running' | 'done' = 'waiting';
    const start = () => {
      state = 'running';
      next();
    };
    const release = () => {
      if (state === 'waiting') own.queue.splice(own.queue.indexOf(start), 1);
      else if (state === 'running') {
        const following = own.queue.shift();
        if (following) following();
        else own.running--;
      }
      state = 'done';
      if (own.running === 0 && own.queue.length === 0 && lines.get(k) === own) lines.delete(k);
    };
    res.once('finish', release);
    res.once('close', release);
    if (own.running < max) {
      own.running++;
      start();
    } else if (own.queue.length < waiting) {
      own.queue.push(start);
    } else {
      state = 'done';
      next(new HttpError(429, 'rate_limited', 'Too many requests at once; wait for the others to finish', { headers: { 'Retry-After': '1' } }));
    }
  };
}
