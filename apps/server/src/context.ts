import type { Redis } from 'ioredis';
import type { Transporter } from 'nodemailer';
import type { Config } from './config.ts';
import type { Database, Db } from './db/client.ts';
import type { SwitchableJobQueue } from './jobs/job-queue.ts';
import type { HashGate } from './features/auth/passwords.ts';
import type { SessionCache } from './features/auth/session-cache.ts';
import type { GoogleTokens } from './features/connections/google-tokens.ts';
import type { MemoryEmbedder } from './features/memory/memory-embeddings.ts';
import type { MemoryIndexCache } from './features/memory/memory-index.ts';
import type { StreamCounts } from './features/messages/stream.ts';
import type { Logger } from './lib/logger.ts';
import type { EventBus } from './lib/event-bus.ts';
import type { Metrics } from './lib/metrics.ts';
import type { SecretBox } from './lib/secret-box.ts';

/** What every request handler and service may use; nothing else is global. */
export interface AppContext {
  readonly config: Config;
  readonly log: Logger;
  readonly database: Database;
  readonly db: Db;
  /** Cross-instance fan-out of user events (PostgreSQL LISTEN/NOTIFY or Redis). */
  readonly bus: EventBus;
  readonly redis: Redis | undefined;
  /** Seals and opens secrets at rest (ENCRYPTION_KEY). */
  readonly secrets: SecretBox;
  /** The current time; tests replace it to pin "today". */
  now(): Date;
  readonly startedAt: number;
  /** This instance's Prometheus registry and the instruments code updates directly. */
  readonly metrics: Metrics;
  /** Aborted when the process starts draining: long-lived streams end on it. */
  readonly shutdown: AbortSignal;
  /** Background work with retries (pg-boss once the job runner has started). */
  readonly jobs: SwitchableJobQueue;
  /** Background embeddings of memories; undefined without LLM_EMBEDDING_MODEL. */
  readonly memoryEmbedder: MemoryEmbedder | undefined;
  /** Users' memory indexes held on this instance, for the search (features/memory/memory-index.ts). */
  readonly memoryIndex: MemoryIndexCache;
  /** Sessions checked on this instance, kept in step with the bus (features/auth/session-cache.ts). */
  readonly sessions: SessionCache;
  /** Google access tokens, refreshed single-flight per connection for Gmail and Google Calendar. */
  readonly googleTokens: GoogleTokens;
  /** When each connected calendar was last read on this instance (ms since epoch), by connection id. */
  readonly calendarSyncTimes: Map<string, number>;
  /** Password hashes in flight and waiting, bounded (PASSWORD_HASH_*). */
  readonly passwordHashes: HashGate;
  /** The server's own outgoing mail (SMTP_URL); undefined without it. */
  readonly mailer: Transporter | undefined;
  /** Live streams open on this instance, by session and by user. */
  readonly streams: StreamCounts;
}
