// The one domain error of the server. Services and tools throw it; http/errors.ts
// turns it into problem+json and agents/runtime.ts into a chat reply, so nothing
// in between needs to catch and re-wrap. (Modelled on Mastra's MastraError.)

/** Who can fix it: the user (bad input, missing thing), us (a bug), or another service. */
export type ErrorCategory = 'USER' | 'SYSTEM' | 'THIRD_PARTY';

export interface DomainErrorInit {
  /** Stable, machine-readable (`not_found`, `mail_auth_failed`). */
  code: string;
  category: ErrorCategory;
  /** Safe to show as is, a clause that reads well after "couldn't finish that: ". */
  userMessage: string;
  /** For logs and problem+json `detail`; defaults to `userMessage`. Never a secret. */
  detail?: string;
  /** Which inputs were wrong (problem+json `errors`), for a `validation_failed`. */
  errors?: { path: string; message: string }[];
  cause?: unknown;
}

export class DomainError extends Error {
  override name = 'DomainError';
  readonly code: string;
  readonly category: ErrorCategory;
  readonly userMessage: string;
  readonly detail: string;
  readonly errors: { path: string; message: string }[] | undefined;

  constructor(init: DomainErrorInit) {
    super(init.detail ?? init.userMessage, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.category = init.category;
    this.userMessage = init.userMessage;
    this.detail = init.detail ?? init.userMessage;
    this.errors = init.errors;
  }
}

export const isDomainError = (err: unknown): err is DomainError => err instanceof DomainError;

/** Something the user asked for does not exist (or is not theirs). */
export const notFoundError = (userMessage: string, detail?: string) =>
  new DomainError({ code: 'not_found', category: 'USER', userMessage, ...(detail ? { detail } : {}) });

/** One input is wrong: `path: message` is both the problem's detail and what the user reads. */
export const invalidInputError = (path: string, message: string) =>
  new DomainError({ code: 'validation_failed', category: 'USER', userMessage: `${path}: ${message}`, errors: [{ path, message }] });

/** The request clashes with the current state (e.g. the calendar an event belongs to is gone). */
export const conflictError = (userMessage: string) => new DomainError({ code: 'conflict', category: 'USER', userMessage });

/** Another service (a connected calendar, a mail server) did not do its part. */
export const unavailableError = (userMessage: string, cause?: unknown) =>
  new DomainError({ code: 'service_unavailable', category: 'THIRD_PARTY', userMessage, ...(cause === undefined ? {} : { cause }) });

/** The user's request cannot be done as asked; the message says what would work. */
export const invalidRequestError = (userMessage: string) => new DomainError({ code: 'validation_failed', category: 'USER', userMessage });
