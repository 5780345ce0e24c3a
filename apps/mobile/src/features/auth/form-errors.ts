import type * as z from 'zod';
import { ApiError } from '@/lib/api-client';

export type FormErrors = Record<string, string>;

/** The first message per field of a failed zod parse. */
export function zodFieldErrors(error: z.ZodError): FormErrors {
  const out: FormErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '');
    out[key] ??= issue.message;
  }
  return out;
}

/** The server's per-field messages (problem `errors[].path`, e.g. "/email" or "email"). */
export function apiFieldErrors(error: unknown): FormErrors {
  const out: FormErrors = {};
  if (!(error instanceof ApiError)) return out;
  for (const fieldError of error.fieldErrors) {
    const key = fieldError.path.replace(/^[/.]/, '').split(/[/.]/)[0] ?? '';
    out[key] ??= fieldError.message;
  }
  return out;
}
