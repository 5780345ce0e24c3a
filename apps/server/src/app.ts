// createApp(ctx): the whole HTTP application without listen(); tests import it.
import { randomUUID } from 'node:crypto';
import cors from 'cors';
import express, { Router, type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { AppContext } from './context.ts';
import { features } from './features/index.ts';
import { mcpRouter } from './features/mcp/mcp.routes.ts';
import { oauthRouter } from './features/oauth/oauth.routes.ts';
import { createApi } from './http/api.ts';
import { authMiddleware } from './http/auth.ts';
import { errorHandler, notFoundHandler } from './http/errors.ts';
import { metricsRoute, requestMetrics } from './http/metrics.ts';
import { buildOpenApi, renderDocsPage } from './http/openapi.ts';
import { createLimiter } from './http/rate-limit.ts';
import { requestSpans } from './http/tracing.ts';
import { webApp } from './http/web-app.ts';
import { loggablePath, serializeError } from './lib/logger.ts';

const REQUEST_ID = /^[\w.-]{1,64}$/;

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  if (ctx.config.trustProxy) {
    const value = ctx.config.trustProxy;
    app.set('trust proxy', /^\d+$/.test(value) ? Number(value) : value === 'true' ? true : value);
  }

  app.use(requestMetrics(ctx));
  app.use(
    pinoHttp({
      logger: ctx.log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: loggablePath(req.url) }),
        err: serializeError,
      },
    }),
  );
  app.use(requestSpans());
  app.use(helmet({ crossOriginEmbedderPolicy: false }));
  app.use('/api', cors(corsOptions(ctx)));
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));

  app.use(metricsRoute(ctx));
  const router = Router();
  const authenticatedLimit = createLimiter(ctx, 'api', {
    windowMs: 60_000,
    limit: ctx.config.rateLimits.api,
    keyGenerator: (_req, res) => String(res.locals.auth?.userId ?? 'anonymous'),
  });
  const api = createApi(router, ctx, authMiddleware(ctx), authenticatedLimit);
  for (const register of features) register(api, ctx);
  app.use(router);
  app.use(mcpRouter(ctx, authenticatedLimit));
  app.use(oauthRouter(ctx));

  let doc: ReturnType<typeof buildOpenApi> | undefined;
  const openApi = () => (doc ??= buildOpenApi(api.paths, ctx.config.version));
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApi());
  });
  app.get('/api/docs', (_req, res) => {
    res.type('html').send(renderDocsPage(openApi()));
  });

  app.use(webApp(ctx));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

function corsOptions(ctx: AppContext): cors.CorsOptions {
  const allowed = new Set(ctx.config.corsOrigins);
  const devOrigin = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/;
  return {
    origin: (origin, done) => {
      if (!origin) return done(null, false);
      done(null, allowed.has(origin) || (ctx.config.env === 'development' && devOrigin.test(origin)));
    },
    exposedHeaders: ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Request-Id'],
    maxAge: 600,
  };
}
