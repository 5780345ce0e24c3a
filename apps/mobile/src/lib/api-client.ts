import type * as z from 'zod';
import { AuthResponse, Problem } from '@lifeos/contract';

/** The tokens of one signed-in session, as kept in the platform's token store. */
export type StoredSession = {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
};

export interface TokenStore {
  load(): Promise<StoredSession | null>;
  save(session: StoredSession): Promise<void>;
  clear(): Promise<void>;
  /** Runs `fn` while no other tab or task of this app refreshes the session. */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  /** Tells the client that another tab changed the stored session (web). */
  subscribe?(listener: () => void): () => void;
}

export type FieldError = { path: string; message: string };

/** An error answer of the API (RFC 9457 problem details). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fieldErrors: FieldError[];
  readonly retryAfterSeconds: number | null;
  /** The whole problem body, for members a code adds (e.g. `mfaToken` with `mfa_required`). */
  readonly body: unknown;

  constructor(init: { status: number; code: string; detail: string; fieldErrors?: FieldError[]; retryAfterSeconds?: number | null; body?: unknown }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.fieldErrors = init.fieldErrors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.body = init.body ?? null;
  }
}

/** The request never got an answer: offline, DNS, server down, connection reset. */
export class NetworkError extends Error {
  constructor(cause?: unknown) {
    super('Cannot reach the server. Check your connection.');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

export type AuthStatus = 'loading' | 'signedIn' | 'signedOut';

export type RequestOptions<T> = {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  schema?: z.ZodType<T>;
  /** false for the endpoints that need no token (login, register, health). */
  auth?: boolean;
  signal?: AbortSignal;
};

export type ApiClient = ReturnType<typeof createApiClient>;

/** `user`: signed out here; `ended`: the session was ended elsewhere or expired; `deleted`: the account is gone. */
export type SignOutReason = 'user' | 'ended' | 'deleted';

export function createApiClient(options: {
  baseUrl: string;
  tokenStore: TokenStore;
  fetch?: typeof fetch;
}) {
  const { tokenStore } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));

  let session: StoredSession | null = null;
  let status: AuthStatus = 'loading';
  let signOutReason: SignOutReason | null = null;
  let loaded: Promise<void> | null = null;
  let refreshing: Promise<StoredSession | null> | null = null;
  const listeners = new Set<() => void>();

  function setStatus(next: AuthStatus) {
    if (status === next) return;
    status = next;
    for (const listener of listeners) listener();
  }

  function ready(): Promise<void> {
    loaded ??= tokenStore
      .load()
      .catch(() => null)
      .then((stored) => {
        session = stored;
        setStatus(stored ? 'signedIn' : 'signedOut');
      });
    return loaded;
  }

  // Another tab signed in, refreshed or signed out: adopt what it stored.
  tokenStore.subscribe?.(() => {
    void tokenStore.load().then((stored) => {
      session = stored;
      setStatus(stored ? 'signedIn' : 'signedOut');
    });
  });

  function url(path: string, query?: RequestOptions<unknown>['query']): string {
    let full = `${baseUrl}${path}`;
    if (query) {
      const params = Object.entries(query)
        .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== null && entry[1] !== '')
        .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
      if (params.length > 0) full += `?${params.join('&')}`;
    }
    return full;
  }

  async function send(target: string, init: RequestInit): Promise<Response> {
    try {
      return await doFetch(target, init);
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new NetworkError(error);
    }
  }

  async function signIn(auth: AuthResponse): Promise<void> {
    session = {
      accessToken: auth.accessToken,
      accessTokenExpiresAt: auth.accessTokenExpiresAt,
      refreshToken: auth.refreshToken,
    };
    loaded = Promise.resolve();
    await tokenStore.save(session);
    setStatus('signedIn');
  }

  async function signOutLocally(reason: SignOutReason = 'ended'): Promise<void> {
    signOutReason = reason;
    session = null;
    loaded = Promise.resolve();
    await tokenStore.clear().catch(() => undefined);
    setStatus('signedOut');
  }

  /**
   * Trades the refresh token for new tokens after `failedAccessToken` was refused.
   * Resolves to null when the session is over (the caller goes to the login screen);
   * throws NetworkError when the server cannot be reached (the session is kept).
   */
  function refresh(failedAccessToken: string | null): Promise<StoredSession | null> {
    refreshing ??= tokenStore
      .withLock(async () => {
        // Another tab (web) may have rotated the tokens already: presenting the old
        // refresh token again would be treated as theft and end the session.
        const stored = await tokenStore.load().catch(() => null);
        if (!stored) return null;
        if (stored.accessToken !== failedAccessToken) return stored;
        const response = await send(url('/auth/refresh'), {
          method: 'POST',
          headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
          body: JSON.stringify({ refreshToken: stored.refreshToken }),
        });
        if (response.ok) {
          const auth = AuthResponse.parse(await response.json());
          const next = {
            accessToken: auth.accessToken,
            accessTokenExpiresAt: auth.accessTokenExpiresAt,
            refreshToken: auth.refreshToken,
          };
          await tokenStore.save(next);
          return next;
        }
        if (response.status === 400 || response.status === 401 || response.status === 403) {
          await tokenStore.clear().catch(() => undefined);
          return null;
        }
        throw await toApiError(response);
      })
      .then(async (next) => {
        session = next;
        if (!next) await signOutLocally();
        return next;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  }

  /**
   * fetch() with the access token; on a 401 it refreshes once and retries once, and
   * when that fails too the session is over (status becomes signedOut).
   */
  async function authorizedFetch(target: string, init: RequestInit = {}): Promise<Response> {
    await ready();
    const withToken = (token: string | null): RequestInit => ({
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    });
    const token = session?.accessToken ?? null;
    if (!token) {
      await signOutLocally();
      throw new ApiError({ status: 401, code: 'unauthorized', detail: 'Please sign in.' });
    }
    const first = await send(target, withToken(token));
    if (first.status !== 401) return first;
    const next = await refresh(token);
    if (!next) throw await toApiError(first);
    const second = await send(target, withToken(next.accessToken));
    if (second.status === 401) await signOutLocally();
    return second;
  }

  async function request<T = unknown>(path: string, opts: RequestOptions<T> = {}): Promise<T> {
    const init: RequestInit = {
      method: opts.method ?? 'GET',
      headers: {
        Accept: 'application/json',
        ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
    };
    const target = url(path, opts.query);
    const response = opts.auth === false ? await send(target, init) : await authorizedFetch(target, init);
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    return opts.schema ? opts.schema.parse(json) : (json as T);
  }

  return {
    ready,
    request,
    authorizedFetch,
    refresh,
    signIn,
    signOutLocally,
    url,
    getStatus: () => status,
    /** Why the last session ended here: the sign-in screen says so once. */
    takeSignOutReason(): SignOutReason | null {
      const reason = signOutReason;
      signOutReason = null;
      return reason;
    },
    getAccessToken: () => session?.accessToken ?? null,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('Retry-After'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's HTML error page, an empty body): fall back to the status.
  }
  const problem = Problem.safeParse(body);
  if (problem.success) {
    return new ApiError({
      status: response.status,
      code: problem.data.code,
      detail: problem.data.detail,
      fieldErrors: problem.data.errors,
      retryAfterSeconds,
      body,
    });
  }
  // A problem with a code this client does not know yet: still show its detail.
  const loose = body as { code?: unknown; detail?: unknown } | null;
  if (loose && typeof loose.detail === 'string') {
    return new ApiError({
      status: response.status,
      code: typeof loose.code === 'string' ? loose.code : 'http_error',
      detail: loose.detail,
      retryAfterSeconds,
      body,
    });
  }
  return new ApiError({
    status: response.status,
    code: response.status >= 500 ? 'internal' : 'http_error',
    detail: response.status >= 500 ? 'The server had a problem. Please try again.' : `Request failed (${response.status}).`,
    retryAfterSeconds,
  });
}

/** A sentence for the user, whatever went wrong. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError || error instanceof NetworkError) return error.message;
  return 'Something went wrong. Please try again.';
}
