// The one place that chooses a database driver: embedded PGlite when no
// DATABASE_URL is set, node-postgres for any PostgreSQL, Neon's serverless
// driver for Neon hosts (or DATABASE_DRIVER=neon).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Logger } from '../lib/logger.ts';
import { startStatementSpan, tracingEnabled } from '../lib/telemetry.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  readonly db: Db;
  readonly driver: Config['database']['driver'];
  /** A real round trip; rejects when the database cannot be reached within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>;
  /** LISTEN on a channel; the returned function stops listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** A round trip on the LISTEN connection: notifications committed before it have been handled when it resolves. */
  listenBarrier(): Promise<void>;
  notify(channel: string, payload: string): Promise<void>;
  /** Raw SQL for a library that brings its own (the job queue); without values, several statements may run at once. */
  execute(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  /** Applies pending migrations, serialised across instances by an advisory lock. */
  migrate(): Promise<void>;
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.join(import.meta.dirname, 'migrations');
// Any fixed 64-bit number works; this one spells "lifeos" in ASCII.
const MIGRATION_LOCK_KEY = 0x6c6966656f73;

export interface DatabaseOptions {
  /** PGlite data dir override, e.g. `memory://` in tests. */
  pgliteDataDir?: string;
  /** PGlite only: start from a dump (`dumpDataDir`) instead of an empty cluster (tests). */
  pgliteLoadDataDir?: Blob;
  /** Neon only: route its WebSocket through a local proxy (tests). */
  neonWsProxy?: string;
  log?: Logger;
}

export async function createDatabase(config: Config, options: DatabaseOptions = {}): Promise<Database> {
  switch (config.database.driver) {
    case 'pglite':
      return createPglite(options.pgliteDataDir ?? path.join(config.dataDir, 'pglite'), options.pgliteLoadDataDir);
    case 'pg':
      return createPg(config, options);
    case 'neon':
      return createNeon(config, options);
  }
}

async function createPglite(dataDir: string, loadDataDir?: Blob): Promise<Database> {
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const { PgliteThread } = await import('./pglite-thread.ts');
  if (!dataDir.includes('://')) mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  // PGlite runs in a worker thread: its queries no longer hold the HTTP thread.
  const client = await PgliteThread.start(
    { dataDir, ...(loadDataDir ? { loadDataDir: await loadDataDir.arrayBuffer() } : {}) },
    tracingEnabled() ? (text) => startStatementSpan('postgresql', text) : undefined,
  );
  // The thread speaks the part of PGlite's interface Drizzle uses (query, transaction).
  const db = drizzle({ client: client as unknown as PGlite, schema });
  return {
    db: db as unknown as Db,
    driver: 'pglite',
    async ping() {
      await client.query('select 1');
    },
    listen: (channel, onPayload) => client.listen(channel, onPayload),
    // One process owns an embedded database, so every event was published here, and
    // revocations are applied locally before they are published: nothing to wait for.
    listenBarrier: async () => undefined,
    async notify(channel, payload) {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async execute(text, values) {
      if (values?.length) return { rows: (await client.query(text, values)).rows };
      // One connection: a failed multi-statement block must not leave it inside an aborted transaction.
      return { rows: (await client.exec(text, { rollbackOnError: true })).flatMap((result) => result.rows) };
    },
    migrate: () => migrate(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    close: () => client.close(),
  };
}

/** Anything that speaks the node-postgres Pool interface (pg and Neon's driver). */
interface PgLikePool {
  connect(): Promise<PgLikeClient & { release(destroy?: boolean): void }>;
  query(text: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'connect', listener: (client: PgLikeClient) => void): unknown;
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}
interface PgLikeClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
  on(event: 'notification', listener: (msg: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

async function createPg(config: Config, options: DatabaseOptions): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool = new pg.Pool({
    connectionString: config.database.url,
    max: config.database.poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A statement that runs away must not hold a connection for ever.
    statement_timeout: 30_000,
  });
  const db = drizzle(pool, { schema });
  return wrapPool(pool as unknown as PgLikePool, db as unknown as Db, 'pg', options, (client) =>
    migrate(drizzle(client as unknown as InstanceType<typeof pg.Client>), { migrationsFolder: MIGRATIONS_FOLDER }),
  );
}

async function createNeon(config: Config, options: DatabaseOptions): Promise<Database> {
  const neon = await import('@neondatabase/serverless');
  const { default: ws } = await import('ws');
  const { drizzle } = await import('drizzle-orm/neon-serverless');
  const { migrate } = await import('drizzle-orm/neon-serverless/migrator');
  neon.neonConfig.webSocketConstructor = ws;
  if (options.neonWsProxy) {
    neon.neonConfig.wsProxy = () => options.neonWsProxy!;
    neon.neonConfig.useSecureWebSocket = false;
    neon.neonConfig.pipelineTLS = false;
    neon.neonConfig.pipelineConnect = false;
  }
  const pool = new neon.Pool({ connectionString: config.database.url, max: config.database.poolSize });
  const db = drizzle(pool, { schema });
  return wrapPool(pool as unknown as PgLikePool, db as unknown as Db, 'neon', options, (client) =>
    migrate(drizzle(client as unknown as InstanceType<typeof neon.Pool>), { migrationsFolder: MIGRATIONS_FOLDER }),
  );
}

function wrapPool(
  pool: PgLikePool,
  db: Db,
  driver: 'pg' | 'neon',
  options: DatabaseOptions,
  runMigrations: (client: PgLikeClient) => Promise<void>,
): Database {
  // An idle client losing its connection (e.g. the server restarting) must not crash the process.
  pool.on('error', (err) => options.log?.warn({ err: err.message }, 'database connection lost'));
  if (tracingEnabled()) pool.on('connect', (client) => traceStatements(client));
  const listener = createListener(pool, options.log);
  return {
    db,
    driver,
    async ping(timeoutMs = 2_000) {
      await withTimeout(pool.query('select 1'), timeoutMs, 'database ping timed out');
    },
    listen: (channel, onPayload) => listener.listen(channel, onPayload),
    listenBarrier: () => listener.barrier(),
    async notify(channel, payload) {
      await db.execute(sql`select pg_notify(${channel}, ${payload})`);
    },
    async execute(text, values) {
      const result = (await pool.query(text, values)) as { rows?: unknown[] } | { rows?: unknown[] }[];
      // Several statements answer with one result each.
      return { rows: Array.isArray(result) ? result.flatMap((r) => r.rows ?? []) : (result.rows ?? []) };
    },
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        try {
          await runMigrations(client);
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
      } finally {
        client.release();
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

/**
 * One dedicated connection per process holds every LISTEN. When it drops it
 * reconnects with backoff and listens again, so fan-out survives a database restart.
 */
function createListener(pool: PgLikePool, log: Logger | undefined) {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  let client: (PgLikeClient & { release(destroy?: boolean): void }) | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const c = await pool.connect();
    c.on('notification', (msg) => {
      for (const handler of handlers.get(msg.channel) ?? []) handler(msg.payload ?? '');
    });
    c.on('error', (err) => {
      // After close() released it, a late error (the pool ending) needs nothing more.
      if (closed) return;
      log?.warn({ err: err.message }, 'listen connection lost; reconnecting');
      if (client === c) client = undefined;
      c.release(true);
      scheduleReconnect(500);
    });
    for (const channel of handlers.keys()) await c.query(`LISTEN ${quoteIdent(channel)}`);
    client = c;
  };

  const scheduleReconnect = (delay: number) => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      ensure().catch(() => scheduleReconnect(Math.min(delay * 2, 5_000)));
    }, delay);
    retryTimer.unref();
  };

  // A barrier is one round trip on the listen connection: every notification sent
  // before it started has arrived when it answers. Requests that come while one is
  // in flight cannot use it (it started before them), so they share the next one:
  // at most two are outstanding however many requests wait, instead of a queue of
  // `select 1` on the one connection.
  let inFlight: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const roundTrip = async (): Promise<void> => {
    await ensure();
    await client!.query('select 1');
  };
  const barrier = (): Promise<void> => {
    if (!inFlight) {
      const started = roundTrip().finally(() => {
        if (inFlight === started) inFlight = undefined;
      });
      inFlight = started;
      return started;
    }
    queued ??= inFlight
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return barrier();
      });
    return queued;
  };

  const ensure = (): Promise<void> => {
    if (client) return Promise.resolve();
    connecting ??= connect().finally(() => (connecting = undefined));
    return connecting;
  };

  return {
    async listen(channel: string, onPayload: (payload: string) => void) {
      let set = handlers.get(channel);
      const fresh = !set;
      if (!set) handlers.set(channel, (set = new Set()));
      set.add(onPayload);
      const wasConnected = Boolean(client);
      await ensure();
      if (fresh && wasConnected) await client?.query(`LISTEN ${quoteIdent(channel)}`);
      return async () => {
        set.delete(onPayload);
        if (set.size === 0) {
          handlers.delete(channel);
          await client?.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
        }
      };
    },
    barrier,
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      client?.release();
      client = undefined;
    },
  };
}

/** A span per statement on a pooled client: wraps its `query` (promise and callback forms; a pool's own query is a client's). */
function traceStatements(client: PgLikeClient): void {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const first = args[0] as string | { text?: string; submit?: unknown } | undefined;
    // A cursor or stream (submittable) reports on its own events; left as it is.
    if (typeof first === 'object' && typeof first?.submit === 'function') return original(...args);
    const done = startStatementSpan('postgresql', typeof first === 'string' ? first : first?.text);
    if (!done) return original(...args);
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (err: unknown, result: unknown) => void;
      args[last] = (err: unknown, result: unknown) => {
        done(err ?? undefined);
        callback(err, result);
      };
      return original(...args);
    }
    const result = original(...args) as Promise<unknown>;
    result.then(() => done(), (err: unknown) => done(err));
    return result;
  };
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
