// An in-memory stand-in for the LifeOS API at the fetch boundary, for component
// and hook tests that run without a server (Jest). It follows API.md for the
// endpoints the tests touch: rotating refresh tokens, cursor paging,
// idempotent POST /messages on clientId, pending-action confirm/cancel (409 twice).
import type { Message } from '@lifeos/contract';

type Handler = (req: { method: string; path: string; query: URLSearchParams; body: unknown; headers: Headers }) => Response | Promise<Response>;

export const json = (status: number, body?: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });

export const problem = (status: number, code: string, detail: string) =>
  json(status, { type: 'about:blank', title: code, status, detail, code });

let seq = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

// Messages are timed an hour ago onward, one second apart, so none looks like it is awaiting a reply.
const start = Date.now() - 60 * 60_000;

export function makeMessage(partial: Partial<Message> & { content: string }, at = start + seq * 1000): Message {
  const iso = new Date(at).toISOString();
  return { id: uuid(), role: 'user', agentName: null, metadata: null, createdAt: iso, updatedAt: iso, ...partial };
}

export function createFakeApi() {
  const state = {
    accessToken: 'access-1',
    refreshToken: 'refresh-1',
    generation: 1,
    refreshCalls: 0,
    /** Oldest first. */
    messages: [] as Message[],
    pairsByClientId: new Map<string, { message: Message; reply: Message }>(),
    decided: new Set<string>(),
    requests: [] as { method: string; path: string; query: string; authorization: string | null; body: unknown }[],
    offline: false,
    overrides: new Map<string, Handler>(),
  };

  const authorized = (headers: Headers) => headers.get('Authorization') === `Bearer ${state.accessToken}`;

  const routes: Record<string, Handler> = {
    'POST /api/auth/refresh': ({ body }) => {
      state.refreshCalls += 1;
      if ((body as { refreshToken?: string }).refreshToken !== state.refreshToken) return problem(401, 'unauthorized', 'Session ended');
      state.generation += 1;
      state.accessToken = `access-${state.generation}`;
      state.refreshToken = `refresh-${state.generation}`;
      return json(200, {
        user: { id: uuid(), email: 'ada@example.test', username: null, timezone: 'UTC', createdAt: '2026-12-01T00:00:00.000Z', settings: { memoryExtraction: false, timeFormat: '24h' } },
        accessToken: state.accessToken,
        accessTokenExpiresAt: '2026-12-01T01:00:00.000Z',
        refreshToken: state.refreshToken,
      });
    },
    'GET /api/messages': ({ query, headers }) => {
      if (!authorized(headers)) return problem(401, 'unauthorized', 'Token expired');
      const limit = Number(query.get('limit') ?? 50);
      const before = query.get('before');
      const q = query.get('q');
      if (q !== null && !q.trim()) return problem(400, 'validation_failed', 'q: Type something to search for');
      // Search: every word of q, case-insensitive.
      const words = (q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const newestFirst = [...state.messages].reverse().filter((m) => words.every((w) => m.content.toLowerCase().includes(w)));
      const start = before ? newestFirst.findIndex((m) => m.id === before) + 1 : 0;
      const page = newestFirst.slice(start, start + limit);
      const more = start + limit < newestFirst.length;
      return json(200, { messages: page, nextCursor: more ? page.at(-1)!.id : null });
    },
    'POST /api/messages': ({ body, headers }) => {
      if (!authorized(headers)) return problem(401, 'unauthorized', 'Token expired');
      const { content, clientId } = body as { content: string; clientId?: string };
      const known = clientId ? state.pairsByClientId.get(clientId) : undefined;
      if (known) return json(200, known);
      const message = makeMessage({ content, role: 'user' });
      const reply = makeMessage({ content: `Echo: ${content}`, role: 'assistant', metadata: { replyTo: message.id } });
      state.messages.push(message, reply);
      if (clientId) state.pairsByClientId.set(clientId, { message, reply });
      return json(201, { message, reply });
    },
  };

  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    if (state.offline) throw new TypeError('Network request failed');
    const url = new URL(String(input), 'http://lifeos.test');
    const method = init.method ?? 'GET';
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    state.requests.push({ method, path: url.pathname, query: url.search, authorization: headers.get('Authorization'), body });
    const key = `${method} ${url.pathname}`;
    const handler =
      state.overrides.get(key) ??
      routes[key] ??
      [...state.overrides.entries()].find(([pattern]) => new RegExp(`^${pattern}$`).test(key))?.[1];
    if (!handler) return problem(404, 'not_found', `No route ${key}`);
    return handler({ method, path: url.pathname, query: url.searchParams, body, headers });
  };

  return { state, fetch: fetch as typeof globalThis.fetch };
}
