// A trace span per request (when tracing is on, see lib/telemetry.ts), named
// by the route pattern like the metrics. Mounted after pino-http, which gives
// the request its id.
import type { RequestHandler } from 'express';
import { startRequestSpan, tracingEnabled } from '../lib/telemetry.ts';
import { routeOf } from './metrics.ts';

export function requestSpans(): RequestHandler {
  return (req, res, next) => {
    if (!tracingEnabled()) return next();
    // 'close' comes after this returns: the span is started (and `next` run inside it) first.
    const finish = startRequestSpan(req.method, req.path, String(req.id), next);
    res.once('close', () => finish(routeOf(req), res.statusCode));
  };
}
