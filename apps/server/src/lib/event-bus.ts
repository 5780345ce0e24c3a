// Per-user events fanned out to every server instance: through PostgreSQL
// LISTEN/NOTIFY by default, or Redis pub/sub when REDIS_URL is set. No
// instance keeps state another needs; the database stays the source of truth.
import type { Redis } from 'ioredis';
import type { Database } from '../db/client.ts';
import type { Logger } from './logger.ts';

export interface BusEvent {
  userId: string;
  type: string;
  data: unknown;
}

export interface EventBus {
  publish(event: BusEvent): Promise<void>;
  /** Calls `handler` for each event of that user, from any instance. */
  subscribe(userId: string, handler: (event: BusEvent) => void): Promise<() => Promise<void>>;
  /**
   * Resolves once every event published (by any instance) before the call has
   * reached this instance's handlers: one round trip on the subscription's own
   * connection, shared by all callers waiting at the same time.
   */
  barrier(): Promise<void>;
  close(): Promise<void>;
}

/** Runs `roundTrip` for every caller, but only one at a time: callers that arrive while one is in flight share the next. */
export function coalesced(roundTrip: () => Promise<void>): () => Promise<void> {
  let inFlight: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const run: Promise<void> = roundTrip().finally(() => {
      if (inFlight === run) inFlight = undefined;
    });
    inFlight = run;
    return run;
  };
  return () => {
    if (!inFlight) return start();
    // The one in flight may have been sent before this call: only a later one is a barrier for it.
    queued ??= inFlight
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}

const CHANNEL = 'lifeos_events';
// NOTIFY payloads are limited to 8000 bytes; larger events travel as a reference.
const MAX_INLINE_PAYLOAD = 7_000;

interface Wire {
  u: string;
  t: string;
  d: unknown;
}

/** Shared by both transports: one upstream subscription per process, dispatched locally by user. */
class LocalDispatch {
  private readonly byUser = new Map<string, Set<(event: BusEvent) => void>>();

  add(userId: string, handler: (event: BusEvent) => void): () => void {
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.byUser.delete(userId);
    };
  }

  dispatch(raw: string, log: Logger): void {
    let wire: Wire;
    try {
      wire = JSON.parse(raw) as Wire;
    } catch {
      log.warn('ignored a malformed bus message');
      return;
    }
    for (const handler of this.byUser.get(wire.u) ?? []) {
      try {
        handler({ userId: wire.u, type: wire.t, data: wire.d });
      } catch (err) {
        log.error({ err }, 'bus handler failed');
      }
    }
  }
}

export function createPostgresBus(database: Database, log: Logger): EventBus {
  const local = new LocalDispatch();
  let stop: Promise<() => Promise<void>> | undefined;
  const ensure = () => (stop ??= database.listen(CHANNEL, (raw) => local.dispatch(raw, log)));
  return {
    async publish(event) {
      const raw = JSON.stringify({ u: event.userId, t: event.type, d: event.data } satisfies Wire);
      if (Buffer.byteLength(raw) > MAX_INLINE_PAYLOAD) {
        // Subscribers fetch large items by id; the event says only which.
        const ref = JSON.stringify({ u: event.userId, t: `${event.type}.ref`, d: refOf(event.data) } satisfies Wire);
        await database.notify(CHANNEL, ref);
        return;
      }
      await database.notify(CHANNEL, raw);
    },
    async subscribe(userId, handler) {
      await ensure();
      const remove = local.add(userId, handler);
      return async () => remove();
    },
    // PostgreSQL sends a listening connection its pending notifications before the reply to its next query.
    barrier: coalesced(async () => {
      await ensure();
      await database.listenBarrier();
    }),
    async close() {
      if (stop) await (await stop)();
    },
  };
}

export function createRedisBus(redis: Redis, log: Logger): EventBus {
  const local = new LocalDispatch();
  const sub = redis.duplicate();
  sub.on('error', (err) => log.warn({ err: err.message }, 'redis subscriber error'));
  sub.on('message', (_channel: string, raw: string) => local.dispatch(raw, log));
  let subscribed: Promise<unknown> | undefined;
  return {
    async publish(event) {
      await redis.publish(CHANNEL, JSON.stringify({ u: event.userId, t: event.type, d: event.data } satisfies Wire));
    },
    async subscribe(userId, handler) {
      await (subscribed ??= sub.subscribe(CHANNEL));
      const remove = local.add(userId, handler);
      return async () => remove();
    },
    // Redis answers a subscriber's PING after the messages already queued for it.
    barrier: coalesced(async () => {
      await (subscribed ??= sub.subscribe(CHANNEL));
      await sub.ping();
    }),
    async close() {
      sub.disconnect();
    },
  };
}

function refOf(data: unknown): unknown {
  if (data && typeof data === 'object' && 'id' in data) return { id: (data as { id: unknown }).id };
  return null;
}
