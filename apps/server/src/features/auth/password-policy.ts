// The one password policy, for registration, a password change and a reset:
// length is the contract's (8 to 256, checked by its schema); here, what makes
// a long-enough password still easy to guess.
import { readFileSync } from 'node:fs';
import { HttpError } from '../../http/errors.ts';

// 100,000 common passwords of 8+ characters (see the file's header), loaded once.
const common = new Set(
  readFileSync(new URL('./data/common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.toLowerCase()),
);

/** True for one of the listed common passwords (case-insensitive). */
export const isCommonPassword = (password: string) => common.has(password.toLowerCase());

/** Parts of an email that a password must not contain: the local part, and its part before a `+tag`. */
function emailParts(email: string): string[] {
  const local = email.slice(0, Math.max(0, email.lastIndexOf('@'))).toLowerCase();
  return [local, local.split('+')[0]!].filter((part) => part.length >= 3);
}

/** Why the password is too easy to guess, or undefined when it is fine. */
export function passwordWeakness(password: string, email: string): string | undefined {
  const chars = [...password];
  if (chars.every((c) => c === chars[0])) return 'This password is one character repeated; choose one that is harder to guess';
  if (isCommonPassword(password)) return 'This password is too common; choose one that is harder to guess';
  const lower = password.toLowerCase();
  if (emailParts(email).some((part) => lower.includes(part))) return 'This password contains your email address; choose one that does not';
  return undefined;
}

/** Throws a 400 naming `field` when a new password breaks the policy. */
export function checkNewPassword(password: string, email: string, field: string): void {
  const message = passwordWeakness(password, email);
  if (message) throw new HttpError(400, 'validation_failed', `${field}: ${message}`, { errors: [{ path: field, message }] });
}
