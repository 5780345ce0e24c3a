// One error type and one error handler: every failure leaves as RFC 9457
// problem+json with a stable code; internals are logged, never sent.
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { ErrorCode, Problem } from '@lifeos/contract';
import type * as z from 'zod';
import { DomainError } from '../lib/errors.ts';

const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'Validation failed',
  invalid_json: 'Invalid JSON',
  unauthorized: 'Unauthorized',
  invalid_credentials: 'Invalid credentials',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  email_taken: 'Email already registered',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  mfa_required: 'Second factor required',
  service_unavailable: 'Service unavailable',
  connection_failed: 'Could not connect the account',
  internal: 'Internal server error',
};

/** A DomainError that already knows its HTTP status; kept for the routes and services that use it. */
export class HttpError extends DomainError {
  override name = 'HttpError';
  readonly status: number;
  declare readonly code: ErrorCode;
  readonly headers: Record<string, string> | undefined;
  /** Extra members of the problem body (e.g. `mfaToken` with `mfa_required`); never secrets of another user. */
  readonly fields: Record<string, string> | undefined;

  constructor(
    status: number,
    code: ErrorCode,
    detail: string,
    extra: { errors?: { path: string; message: string }[]; headers?: Record<string, string>; fields?: Record<string, string> } = {},
  ) {
    super({ code, category: status >= 500 ? 'SYSTEM' : 'USER', userMessage: detail, ...(extra.errors ? { errors: extra.errors } : {}) });
    this.status = status;
    this.headers = extra.headers;
    this.fields = extra.fields;
  }
}

export const notFound = (what = 'Resource') => new HttpError(404, 'not_found', `${what} not found`);
export const unauthorized = (detail = 'A valid access token is required') => new HttpError(401, 'unauthorized', detail);

export function validationError(error: z.ZodError, prefix?: string): HttpError {
  const errors = error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: issue.message,
  }));
  const first = errors[0]!;
  return new HttpError(400, 'validation_failed', `${first.path}: ${first.message}`, { errors });
}

export function sendProblem(res: Response, err: HttpError): void {
  const body: Problem & Record<string, unknown> = {
    ...err.fields,
    type: `urn:lifeos:problem:${err.code}`,
    title: TITLES[err.code],
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(err.errors ? { errors: err.errors } : {}),
    ...(res.req.id ? { requestId: String(res.req.id) } : {}),
  };
  if (err.headers) res.set(err.headers);
  // Read by the failure limits (http/rate-limit.ts) once the response is sent.
  res.locals.problemCode = err.code;
  res.status(err.status).type('application/problem+json').send(JSON.stringify(body));
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`));
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

/** Maps anything thrown to a problem response. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const problem = toHttpError(err);
  if (problem.status >= 500) {
    req.log?.error({ err }, 'request failed');
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  sendProblem(res, problem);
};

const CATEGORY_STATUS = { USER: 400, THIRD_PARTY: 502, SYSTEM: 500 } as const;

/** A domain error's problem: its code when the contract knows it, else one by category. */
function fromDomainError(err: DomainError): HttpError {
  const code = (err.code in TITLES ? err.code : undefined) as ErrorCode | undefined;
  const status = code === 'not_found' ? 404 : code === 'conflict' ? 409 : CATEGORY_STATUS[err.category];
  if (status >= 500) return new HttpError(status === 502 ? 503 : 500, status === 502 ? 'service_unavailable' : 'internal', status === 502 ? err.userMessage : 'Something went wrong on our side. Please try again.');
  return new HttpError(status, code ?? 'validation_failed', err.detail, err.errors ? { errors: err.errors } : {});
}

export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof DomainError) return fromDomainError(err);
  const e = err as BodyParserError;
  switch (e?.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid_json', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new HttpError(413, 'payload_too_large', 'The request body is larger than 1 MB');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported_media_type', 'Send JSON encoded as UTF-8');
    case 'request.aborted':
      return new HttpError(400, 'validation_failed', 'The request was aborted');
  }
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && e.expose !== false) {
    return new HttpError(status, status === 404 ? 'not_found' : 'validation_failed', 'The request could not be processed');
  }
  if (hasCode(err, TEXT_REFUSED_CODES)) {
    // The route checks catch U+0000 first; this covers any path that reached the database without them.
    return new HttpError(400, 'validation_failed', 'The request contains text the database cannot store (such as U+0000)');
  }
  if (isDatabaseUnavailable(err)) {
    return new HttpError(503, 'service_unavailable', 'The database is unreachable; please try again shortly.', { headers: { 'Retry-After': '2' } });
  }
  return new HttpError(500, 'internal', 'Something went wrong on our side. Please try again.');
}

// Connection refused or dropped, the server shutting down or starting up, a pool timeout:
// a passing outage the client should retry, not a bug.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed/i;

// character_not_in_repertoire (a NUL in text), untranslatable_character (\u0000 in jsonb).
const TEXT_REFUSED_CODES = new Set(['22021', '22P05']);

function hasCode(err: unknown, codes: Set<string>): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && codes.has(e.code)) return true;
  }
  return false;
}

function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  }
  return false;
}
