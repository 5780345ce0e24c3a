// Builds an AppContext from a Config: connects, migrates, wires the bus.
import { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { createDatabase, type DatabaseOptions } from './db/client.ts';
import { createJobQueue } from './jobs/job-queue.ts';
import { toUser } from './features/auth/auth.service.ts';
import { createMailTransport } from './features/auth/mailer.ts';
import { HashGate } from './features/auth/passwords.ts';
import { SessionCache } from './features/auth/session-cache.ts';
import { GoogleTokens } from './features/connections/google-tokens.ts';
import { MemoryIndexCache } from './features/memory/memory-index.ts';
import { createMemoryEmbedder } from './features/memory/memory-embeddings.ts';
import { StreamCounts } from './features/messages/stream.ts';
import { createPostgresBus, createRedisBus } from './lib/event-bus.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { createMetrics } from './lib/metrics.ts';
import { createSecretBox } from './lib/secret-box.ts';

export interface BootOptions extends DatabaseOptions {
  log?: Logger;
  now?: () => Date;
  migrate?: boolean;
}

export interface Booted {
  ctx: AppContext;
  /** Starts draining: streams end, then everything is closed. */
  close(): Promise<void>;
  beginShutdown(): void;
}

export async function boot(config: Config, options: BootOptions = {}): Promise<Booted> {
  const log = options.log ?? createLogger(config.logLevel);
  const database = await createDatabase(config, { ...options, log });
  if (options.migrate !== false) await database.migrate();

  let redis: Redis | undefined;
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
    redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  }
  const bus = redis ? createRedisBus(redis, log) : createPostgresBus(database, log);
  const shutdown = new AbortController();

  const ctx: AppContext = {
    config,
    log,
    database,
    db: database.db,
    bus,
    redis,
    secrets: createSecretBox(config.encryptionKeys),
    now: options.now ?? (() => new Date()),
    startedAt: Date.now(),
    metrics: createMetrics(database),
    shutdown: shutdown.signal,
    jobs: createJobQueue(() => ctx),
    memoryEmbedder: createMemoryEmbedder({ db: database.db, config, log, shutdown: shutdown.signal }),
    memoryIndex: new MemoryIndexCache(config.memoryIndexPostings),
    sessions: new SessionCache(() => ctx, toUser),
    googleTokens: new GoogleTokens(() => ctx),
    calendarSyncTimes: new Map(),
    passwordHashes: new HashGate(config.passwordHashing.concurrency, config.passwordHashing.queue),
    mailer: config.mail ? createMailTransport(config.mail) : undefined,
    streams: new StreamCounts(),
  };
  return {
    ctx,
    beginShutdown: () => shutdown.abort(),
    async close() {
      shutdown.abort();
      ctx.memoryEmbedder?.stop();
      await ctx.memoryEmbedder?.idle().catch(() => undefined);
      ctx.metrics.close();
      await bus.close().catch(() => undefined);
      redis?.disconnect();
      await database.close();
    },
  };
}
