import type * as z from 'zod';
import { ApiError, errorMessage } from '@/lib/api-client';

export type FormErrors = Record<string, string>;

const FIELD_NAMES: Record<string, string> = {
  email: 'your email',
  password: 'your password',
  currentPassword: 'your current password',
  newPassword: 'a new password',
  username: 'a name',
  timezone: 'a time zone',
};

/** A person's words for a validator's complaint ("Too small: expected string to have >=1 characters" is not one). */
export function humanIssue(field: string, issue: Pick<z.core.$ZodIssue, 'code' | 'message'> & { minimum?: unknown; maximum?: unknown }): string {
  const what = FIELD_NAMES[field] ?? 'this';
  // Our own schema messages ("Must be at least 8 characters") already read well.
  const generic = /^(Too small|Too big|Invalid input|Expected)/i.test(issue.message) || issue.message === '';
  if (!generic) return issue.message;
  if (issue.code === 'too_small') return Number(issue.minimum) <= 1 ? `Enter ${what}.` : `Use at least ${String(issue.minimum)} characters.`;
  if (issue.code === 'too_big') return `Use at most ${String(issue.maximum)} characters.`;
  if (issue.code === 'invalid_type') return `Enter ${what}.`;
  return `Check ${what}.`;
}

/** The first message per field of a failed zod parse, in plain words. */
export function zodFieldErrors(error: z.ZodError): FormErrors {
  const out: FormErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '');
    out[key] ??= humanIssue(key, issue as never);
  }
  return out;
}

/** The server's per-field messages (problem `errors[].path`, e.g. "/email" or "email"). */
export function apiFieldErrors(error: unknown): FormErrors {
  const out: FormErrors = {};
  if (!(error instanceof ApiError)) return out;
  for (const fieldError of error.fieldErrors) {
    const key = fieldError.path.replace(/^[/.]/, '').split(/[/.]/)[0] ?? '';
    // A message may repeat its field ("password: …"): the field shows it already.
    const message = fieldError.message.replace(new RegExp(`^${key}:\\s*`, 'i'), '');
    out[key] ??= /^(Too small|Too big|Invalid input|Expected)/i.test(message) ? humanIssue(key, { code: 'custom', message }) : message;
  }
  return out;
}

/** The banner above a form: only what no field shows already. */
export function bannerError(error: unknown, fields: FormErrors): string | null {
  if (!error) return null;
  if (Object.keys(fields).length > 0) return null;
  return errorMessage(error);
}
