import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A small local stand-in for the few Google Calendar v3 endpoints the client uses, with the
// documented request and response shapes (calendar#calendarList, calendar#events, calendar#event,
// error bodies { error: { code, message, status } }). Recurring events are not expanded.

type StoredEvent = Record<string, unknown> & { id: string; start: { dateTime?: string; date?: string }; end: { dateTime?: string; date?: string } };

export type FakeGoogleCalendar = {
  rootUrl: string;
  token: string;
  events: Map<string, StoredEvent[]>;
  requests: Array<{ method: string; path: string; query: Record<string, string> }>;
  close(): Promise<void>;
};

function instant(t: { dateTime?: string; date?: string }): number {
  return new Date(t.dateTime ?? `${t.date}T00:00:00Z`).getTime();
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
}

function error(res: ServerResponse, code: number, status: string, message: string): void {
  send(res, code, { error: { code, message, status, errors: [{ message, domain: 'global', reason: status.toLowerCase() }] } });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** `verifyToken` accepts tokens of a real OAuth server (tests of the whole connection); else only `token` is accepted. */
export async function startFakeGoogleCalendar(opts: { token: string; pageSize?: number; verifyToken?: (token: string) => Promise<boolean> }): Promise<FakeGoogleCalendar> {
  const events = new Map<string, StoredEvent[]>([['primary', []]]);
  const requests: FakeGoogleCalendar['requests'] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method ?? '', path: url.pathname, query });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const allowed = opts.verifyToken ? await opts.verifyToken(bearer) : bearer === opts.token;
    if (!allowed) {
      error(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
      return;
    }
    if (req.method === 'GET' && url.pathname === '/calendar/v3/users/me/calendarList') {
      send(res, 200, {
        kind: 'calendar#calendarList',
        items: [...events.keys()].map((id) => ({ kind: 'calendar#calendarListEntry', id, summary: id === 'primary' ? 'me@example.test' : id, primary: id === 'primary', accessRole: 'owner', timeZone: 'Europe/Berlin' })),
      });
      return;
    }
    const m = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) {
      error(res, 404, 'NOT_FOUND', 'Not Found');
      return;
    }
    const calendarId = decodeURIComponent(m[1]!);
    const eventId = m[2] ? decodeURIComponent(m[2]) : null;
    const list = events.get(calendarId);
    if (!list) {
      error(res, 404, 'NOT_FOUND', 'Not Found');
      return;
    }
    const found = eventId ? list.find((e) => e.id === eventId) : undefined;
    if (eventId && !found) {
      error(res, 404, 'NOT_FOUND', 'Not Found');
      return;
    }
    if (req.method === 'GET' && !eventId) {
      const min = query.timeMin ? new Date(query.timeMin).getTime() : -Infinity;
      const max = query.timeMax ? new Date(query.timeMax).getTime() : Infinity;
      const matching = list
        .filter((e) => e.status !== 'cancelled' && instant(e.end) > min && instant(e.start) < max)
        .sort((a, b) => instant(a.start) - instant(b.start));
      const size = Math.min(Number(query.maxResults ?? 250), opts.pageSize ?? 250);
      const offset = Number(query.pageToken ?? 0);
      const page = matching.slice(offset, offset + size);
      const next = offset + size < matching.length ? String(offset + size) : undefined;
      send(res, 200, { kind: 'calendar#events', summary: calendarId, items: page, ...(next ? { nextPageToken: next } : {}) });
      return;
    }
    if (req.method === 'POST' && !eventId) {
      const body = await readJson(req);
      if (!body.start || !body.end) {
        error(res, 400, 'INVALID_ARGUMENT', 'Missing end time.');
        return;
      }
      const now = new Date().toISOString();
      const event = { kind: 'calendar#event', ...body, id: randomUUID().replace(/-/g, ''), etag: `"${Date.now()}"`, status: 'confirmed', created: now, updated: now } as unknown as StoredEvent;
      list.push(event);
      send(res, 200, event);
      return;
    }
    if (req.method === 'PATCH' && found) {
      const body = await readJson(req);
      Object.assign(found, body, { etag: `"${Date.now()}"`, updated: new Date().toISOString() });
      send(res, 200, found);
      return;
    }
    if (req.method === 'DELETE' && found) {
      list.splice(list.indexOf(found), 1);
      send(res, 204);
      return;
    }
    error(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    rootUrl: `http://127.0.0.1:${port}/`,
    token: opts.token,
    events,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
