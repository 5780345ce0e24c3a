// GET /api/messages/stream: every message of the user, from any device or
// instance, as SSE. Replays what a reconnecting client missed (Last-Event-ID),
// then continues live without a gap or a duplicate.
import type { Request, Response } from 'express';
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { HttpError } from '../../http/errors.ts';
import type { BusEvent } from '../../lib/event-bus.ts';
import { MESSAGE_CREATED, MESSAGE_DELTA, MESSAGE_UPDATED } from './messages.service.ts';
import * as repo from './messages.repo.ts';
import { MESSAGE_DELETED } from './delete-message.ts';

const REPLAY_PAGE = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keeps the ids already sent, bounded, so replay and live events never repeat one. */
class SentIds {
  private readonly ids = new Set<string>();
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > 5_000) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}

/**
 * Open streams on this instance, by session and by user, so one token cannot
 * hold hundreds of connections (each a bus subscription and a socket). The
 * caps are per instance: a client is pinned to one for a stream's life.
 */
export class StreamCounts {
  total = 0;
  private readonly bySession = new Map<string, number>();
  private readonly byUser = new Map<string, number>();

  /** Takes a place, or says which cap is full. */
  take(auth: AuthInfo, caps: AppContext['config']['streams']): string | undefined {
    if ((this.bySession.get(auth.sessionId) ?? 0) >= caps.perSession) return `${caps.perSession} live streams are open for this session`;
    if ((this.byUser.get(auth.userId) ?? 0) >= caps.perUser) return `${caps.perUser} live streams are open for this account`;
    if (this.total >= caps.total) return 'The server has as many live streams open as it allows';
    this.total++;
    bump(this.bySession, auth.sessionId, 1);
    bump(this.byUser, auth.userId, 1);
    return undefined;
  }

  release(auth: AuthInfo): void {
    this.total--;
    bump(this.bySession, auth.sessionId, -1);
    bump(this.byUser, auth.userId, -1);
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}

/** The longest a timer can wait (setTimeout's limit): a stream of a longer-lived credential ends then, and the client reconnects. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export async function openStream(ctx: AppContext, auth: AuthInfo, req: Request, res: Response) {
  const open = ctx.streams;
  const full = open.take(auth, ctx.config.streams);
  if (full) {
    throw new HttpError(429, 'rate_limited', `${full}; close one and try again`, { headers: { 'Retry-After': '5' } });
  }
  const streams = open;
  let released = false;
  const release = () => {
    if (!released) streams.release(auth);
    released = true;
  };
  try {
    await serveStream(ctx, auth, req, res, release);
  } catch (err) {
    release();
    throw err;
  }
}

async function serveStream(ctx: AppContext, auth: AuthInfo, req: Request, res: Response, release: () => void) {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.write('retry: 3000\n\n');

  const sent = new SentIds();
  let replaying = true;
  const buffered: BusEvent[] = [];
  let closed = false;

  const write = (chunk: string) => {
    if (!closed) res.write(chunk);
  };
  const sendMessage = (message: { id: string }, type = MESSAGE_CREATED) => {
    if (type === MESSAGE_CREATED && !sent.add(message.id)) return;
    const { seq: _seq, ...data } = message as { id: string; seq?: number };
    write(`${type === MESSAGE_CREATED ? `id: ${message.id}\n` : ''}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  const deliver = async (event: BusEvent) => {
    switch (event.type) {
      case MESSAGE_CREATED:
      case MESSAGE_UPDATED:
        sendMessage(event.data as { id: string }, event.type);
        return;
      case `${MESSAGE_CREATED}.ref`:
      case `${MESSAGE_UPDATED}.ref`: {
        const id = (event.data as { id?: string } | null)?.id;
        const row = id ? await repo.findMessage(ctx.db, auth.userId, id) : undefined;
        if (row) sendMessage(repo.toMessage(row), event.type.replace('.ref', ''));
        return;
      }
      case MESSAGE_DELTA:
      case MESSAGE_DELETED:
        write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
        return;
      case 'session.revoked': {
        const sessionId = (event.data as { sessionId?: string }).sessionId;
        if (sessionId === auth.sessionId || sessionId === '*') close();
        return;
      }
    }
  };

  const unsubscribe = await ctx.bus.subscribe(auth.userId, (event) => {
    if (replaying) buffered.push(event);
    else void deliver(event).catch((err) => ctx.log.warn({ err }, 'stream delivery failed'));
  });

  const heartbeat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), ctx.config.sseHeartbeatMs);
  // The stream ends when the credential that opened it expires; the client reconnects with a fresh one.
  let expiry: NodeJS.Timeout | undefined;
  if (auth.expiresAt) {
    expiry = setTimeout(() => close(), Math.min(MAX_TIMER_MS, Math.max(0, auth.expiresAt.getTime() - ctx.now().getTime())));
  }
  const close = () => {
    if (closed) return;
    closed = true;
    release();
    ctx.metrics.openStreams.dec();
    clearInterval(heartbeat);
    clearTimeout(expiry);
    ctx.shutdown.removeEventListener('abort', close);
    void unsubscribe();
    res.end();
  };
  ctx.metrics.openStreams.inc();
  req.on('close', close);
  ctx.shutdown.addEventListener('abort', close);

  // Replay everything after the last event the client saw, oldest first.
  const lastEventId = String(req.headers['last-event-id'] ?? '').trim();
  if (UUID.test(lastEventId)) {
    const from = await repo.findMessage(ctx.db, auth.userId, lastEventId);
    if (from) {
      let after = from.seq;
      for (;;) {
        const rows = await repo.listMessagesAfter(ctx.db, auth.userId, after, REPLAY_PAGE);
        for (const row of rows) sendMessage(repo.toMessage(row));
        if (rows.length < REPLAY_PAGE || closed) break;
        after = rows.at(-1)!.seq;
      }
    }
  }
  replaying = false;
  for (const event of buffered.splice(0)) await deliver(event);
}
