// Routes are declared once: the same spec validates the request, checks the
// response in tests, and becomes the OpenAPI description.
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import * as z from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from 'zod-openapi';
import { Problem } from '@lifeos/contract';
import type { AppContext } from '../context.ts';
import { HttpError, validationError } from './errors.ts';
import type { AuthInfo } from './auth.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: Method;
  /** Express path, e.g. `/api/memories/:id`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Requires `Authorization: Bearer <accessToken>` (default true). */
  auth?: boolean;
  body?: B;
  query?: Q;
  params?: P;
  /** Status -> schema of the JSON body; `null` for an empty body; a string for another content type. */
  responses: Record<number, z.ZodType | null | string>;
  /** Error statuses this route can answer with (documented as Problem). */
  errors?: number[];
  /** Extra middleware run after authentication (e.g. a rate limit). */
  before?: RequestHandler[];
}

export interface HandlerInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  auth: AuthInfo;
  req: Request;
  res: Response;
}

export type HandlerResult = { status: number; body?: unknown; headers?: Record<string, string> } | void;

export interface Api {
  route<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, P extends z.ZodType = z.ZodUnknown>(
    spec: RouteSpec<B, Q, P>,
    handler: (input: HandlerInput<z.output<B>, z.output<Q>, z.output<P>>) => Promise<HandlerResult> | HandlerResult,
  ): void;
  readonly paths: ZodOpenApiPathsObject;
}

const ANY = z.unknown();

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No content',
  302: 'Redirect',
  400: 'Invalid request (validation_failed, invalid_json)',
  401: 'Missing, malformed, expired or revoked token',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body larger than 1 MB',
  415: 'Body is not JSON',
  429: 'Rate limited (see Retry-After)',
  503: 'Service unavailable',
};

export function createApi(
  router: Router,
  ctx: AppContext,
  authenticate: RequestHandler,
  authenticatedLimit: RequestHandler,
): Api {
  const paths: ZodOpenApiPathsObject = {};
  const checkResponses = ctx.config.env === 'test';

  return {
    paths,
    route(spec, handler) {
      const middleware: RequestHandler[] = [];
      if (spec.auth !== false) middleware.push(authenticate, authenticatedLimit);
      if (spec.body) middleware.push(requireJson);
      middleware.push(...(spec.before ?? []));

      router[spec.method](spec.path, ...middleware, async (req: Request, res: Response, next: NextFunction) => {
        try {
          // Every request is checked for NUL, also in parts its spec does not declare.
          for (const [where, value] of [['body', req.body], ['query', req.query], ['params', req.params]] as const) {
            if (!spec[where]) parse(ANY, value, where);
          }
          const body = spec.body ? parse(spec.body, req.body ?? {}, 'body') : undefined;
          const query = spec.query ? parse(spec.query, req.query, 'query') : undefined;
          const params = spec.params ? parse(spec.params, req.params, 'params') : undefined;
          const result = await handler({
            body: body as never,
            query: query as never,
            params: params as never,
            auth: res.locals.auth as AuthInfo,
            req,
            res,
          });
          if (!result || res.headersSent) return;
          if (checkResponses) assertResponse(spec, result.status, result.body);
          if (result.headers) res.set(result.headers);
          if (result.body === undefined) res.status(result.status).end();
          else res.status(result.status).json(result.body);
        } catch (err) {
          next(err);
        }
      });

      paths[toOpenApiPath(spec.path)] ??= {};
      (paths[toOpenApiPath(spec.path)] as Record<string, ZodOpenApiOperationObject>)[spec.method] = toOperation(spec);
    },
  };
}

/** Where a string (or a key) holding U+0000 is in `value`: PostgreSQL text cannot store it. */
function nulPath(value: unknown, path: string[] = [], depth = 0): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key.replaceAll('\u0000', '\\u0000')];
    const found = nulPath(item, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

function parse(schema: z.ZodType, value: unknown, where: string): unknown {
  const nul = nulPath(value);
  if (nul) {
    const path = [where === 'body' ? undefined : where, ...nul].filter(Boolean).join('.') || '(root)';
    const message = 'Must not contain the NUL character (U+0000)';
    throw new HttpError(400, 'validation_failed', `${path}: ${message}`, { errors: [{ path, message }] });
  }
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where === 'body' ? undefined : where);
  return result.data;
}

/** Bodies must be JSON: anything else is a 415 before it is parsed. */
const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    next(new HttpError(415, 'unsupported_media_type', 'Send the body as application/json'));
    return;
  }
  next();
};

function assertResponse(spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>, status: number, body: unknown): void {
  const schema = spec.responses[status];
  if (schema === undefined) throw new Error(`${spec.method} ${spec.path} answered ${status}, which its spec does not declare`);
  if (schema === null || typeof schema === 'string') return;
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new Error(`${spec.method} ${spec.path} ${status} does not match its contract: ${result.error.message}`);
  }
}

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function toOperation(spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>): ZodOpenApiOperationObject {
  const responses: Record<string, Record<string, unknown>> = {};
  for (const [status, schema] of Object.entries(spec.responses)) {
    const description = STATUS_TEXT[Number(status)] ?? 'Response';
    if (schema === null) responses[status] = { description };
    else if (typeof schema === 'string') responses[status] = { description, content: { [schema]: {} } };
    else responses[status] = { description, content: { 'application/json': { schema } } };
  }
  const errors = new Set([...(spec.errors ?? []), ...(spec.body || spec.query || spec.params ? [400] : [])]);
  if (spec.auth !== false) errors.add(401).add(429);
  for (const status of [...errors].sort()) {
    responses[String(status)] = {
      description: STATUS_TEXT[status] ?? 'Error',
      content: { 'application/problem+json': { schema: Problem } },
    };
  }
  return {
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    ...(spec.auth !== false ? { security: [{ bearerAuth: [] }] } : {}),
    ...(spec.query || spec.params
      ? {
          requestParams: {
            ...(spec.query ? { query: spec.query as never } : {}),
            ...(spec.params ? { path: spec.params as never } : {}),
          },
        }
      : {}),
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
    responses: responses as ZodOpenApiOperationObject["responses"],
  };
}
