// Small fetch helpers for tests: JSON in, JSON out, the status kept.
import type { AuthResponse } from '@lifeos/contract';

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function request<T = any>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if (text && /json/.test(res.headers.get('content-type') ?? '')) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T };
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}.${process.pid}.${Date.now()}.${counter++}@example.test`;
export const PASSWORD = 'a sturdy passphrase 42';

/** Registers a new user and returns the auth response. */
export async function registerUser(
  base: string,
  overrides: { email?: string; password?: string; username?: string; timezone?: string; deviceName?: string } = {},
): Promise<AuthResponse & { password: string }> {
  const password = overrides.password ?? PASSWORD;
  const res = await request<AuthResponse>(base, 'POST', '/api/auth/register', {
    body: { ...overrides, email: overrides.email ?? uniqueEmail(), password },
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, password };
}

/** A client bound to one user's token. */
export function as(base: string, token: string) {
  return {
    get: <T = any>(path: string) => request<T>(base, 'GET', path, { token }),
    post: <T = any>(path: string, body?: unknown) => request<T>(base, 'POST', path, { token, body }),
    patch: <T = any>(path: string, body?: unknown) => request<T>(base, 'PATCH', path, { token, body }),
    delete: <T = any>(path: string, body?: unknown) => request<T>(base, 'DELETE', path, { token, body }),
  };
}
