import * as z from 'zod';

/** Stable, machine-readable error codes (API.md "Conventions"). */
export const ErrorCode = z.enum([
  'validation_failed',
  'invalid_json',
  'unauthorized',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'conflict',
  'email_taken',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'mfa_required',
  'service_unavailable',
  'connection_failed',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** RFC 9457 problem details, as every error response carries. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: ErrorCode,
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
export type Problem = z.infer<typeof Problem>;
