// HTTP side of the metrics: a timer on every request (labelled by route
// pattern, never the raw URL, so ids cannot explode the series), and
// GET /metrics for Prometheus.
//
// Access: with METRICS_TOKEN set, `Authorization: Bearer <token>` is required.
// Without one, /metrics is off (404) in production, and open to loopback
// clients only in development and test.
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Router } from 'express';
import { Router as createRouter } from 'express';
import type { AppContext } from '../context.ts';
import { HttpError, unauthorized } from './errors.ts';

export const METRICS_PATH = '/metrics';
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Observes each request's duration when its response is finished (or the client went away). */
export function requestMetrics(ctx: AppContext): RequestHandler {
  const histogram = ctx.metrics.httpDuration;
  return (req, res, next) => {
    const end = histogram.startTimer();
    res.once('close', () => {
      end({ method: req.method, route: routeOf(req), status: String(res.statusCode) });
    });
    next();
  };
}

export function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  if (req.path === METRICS_PATH) return METRICS_PATH;
  // Unmatched paths (404s, the web app's files) share one series.
  return req.path.startsWith('/api/') ? '/api/(unmatched)' : '(other)';
}

export function metricsRoute(ctx: AppContext): Router {
  const router = createRouter();
  const token = ctx.config.metricsToken;
  router.get(METRICS_PATH, async (req, res, next) => {
    try {
      if (token) {
        if (!bearerMatches(req.headers.authorization, token)) throw unauthorized('A valid metrics token is required');
      } else if (ctx.config.env === 'production' || !LOOPBACK.has(req.socket.remoteAddress ?? '')) {
        throw new HttpError(404, 'not_found', `No route for GET ${METRICS_PATH}`);
      }
      res.set('Cache-Control', 'no-store');
      res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    } catch (err) {
      next(err);
    }
  });
  return router;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
