// GET /api/messages/stream: every message of the user, from any device or
// instance, as SSE. Replays what a reconnecting client missed (Last-Event-ID),
// then continues live without a gap or a duplicate.
import type { Request, Response } from 'express';
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
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

export async function openStream(ctx: AppContext, auth: AuthInfo, req: Request, res: Response) {
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
  const close = () => {
    if (closed) return;
    closed = true;
    ctx.metrics.openStreams.dec();
    clearInterval(heartbeat);
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
