// The only reader of the environment. Read once at start-up, validated, and
// refusing to start with a message that names the variable at fault.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATABASE_DRIVER: z.enum(['auto', 'pglite', 'pg', 'neon']).default('auto'),
  DATABASE_POOL_SIZE: positiveInt(10),
  DATA_DIR: z.string().default('./data'),
  JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  ENCRYPTION_KEY: optionalString,
  ENCRYPTION_KEYS_PREVIOUS: optionalString,
  CORS_ORIGINS: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  TRUST_PROXY: optionalString,
  APP_URL: optionalString.pipe(z.url().optional()),
  OPENAI_API_KEY: optionalString,
  LLM_BASE_URL: optionalString.pipe(z.url().optional()),
  LLM_API_KEY: optionalString,
  LLM_MODEL: optionalString,
  LLM_EMBEDDING_MODEL: optionalString,
  AGENT_TIMEOUT_MS: positiveInt(60_000),
  AGENT_RUN_LEASE_MS: positiveInt(10_000),
  SSE_HEARTBEAT_MS: positiveInt(15_000),
  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
  GOOGLE_REDIRECT_URI: optionalString.pipe(z.url().optional()),
  // Google's endpoints; overridden only to test against local servers.
  GOOGLE_AUTH_URL: z.url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  GOOGLE_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  GOOGLE_REVOKE_URL: z.url().default('https://oauth2.googleapis.com/revoke'),
  GMAIL_API_URL: z.url().default('https://gmail.googleapis.com/'),
  GOOGLE_CALENDAR_API_URL: z.url().default('https://www.googleapis.com/'),
  ALLOW_PRIVATE_HOSTS: z.enum(['true', 'false']).optional(),
  RATE_LIMIT_LOGIN: positiveInt(10),
  RATE_LIMIT_LOGIN_ADDRESS: positiveInt(30),
  RATE_LIMIT_LOGIN_ACCOUNT: positiveInt(50),
  RATE_LIMIT_PASSWORD_CHECK: positiveInt(5),
  RATE_LIMIT_REGISTER: positiveInt(30),
  RATE_LIMIT_API: positiveInt(600),
  RATE_LIMIT_TOKEN: positiveInt(300),
  PASSWORD_HASH_CONCURRENCY: positiveInt(2),
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).default(16),
  PASSWORD_HASH_PER_CLIENT: positiveInt(4),
  SSE_MAX_STREAMS_PER_SESSION: positiveInt(5),
  SSE_MAX_STREAMS_PER_USER: positiveInt(10),
  SSE_MAX_STREAMS: positiveInt(5_000),
  MEMORY_INDEX_POSTINGS: positiveInt(1_000_000),
  REGISTRATION: z.enum(['open', 'invite', 'closed']).default('open'),
  SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$|^smtp\+insecure$/, message: 'must be an smtp://, smtps:// or smtp+insecure:// URL' }).optional()),
  MAIL_FROM: optionalString,
  METRICS_TOKEN: optionalString,
  WEB_DIR: optionalString,
  VAPID_PUBLIC_KEY: optionalString,
  VAPID_PRIVATE_KEY: optionalString,
  VAPID_SUBJECT: optionalString.pipe(z.string().regex(/^(mailto:|https:\/\/)/, 'must be a mailto: or https:// URL').optional()),
  EXPO_PUSH: z.enum(['true', 'false']).default('true'),
  EXPO_ACCESS_TOKEN: optionalString,
  // Expo's push API; overridden only to test against a local server.
  EXPO_PUSH_URL: z.url().default('https://exp.host'),
  EXPO_RECEIPT_DELAY_SECONDS: z.coerce.number().int().min(0).default(900),
  REMINDER_SCAN_MS: positiveInt(1_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  version: string;
  dataDir: string;
  database: { driver: 'pglite' | 'pg' | 'neon'; url: string | undefined; poolSize: number };
  jwtSecret: Uint8Array;
  /** Current key first; older keys still decrypt values written before a rotation. */
  encryptionKeys: Buffer[];
  corsOrigins: string[];
  logLevel: string;
  redisUrl: string | undefined;
  trustProxy: string | undefined;
  appUrl: string | undefined;
  /** The language model of the LLM engine; undefined = no model, the built-in engine answers. */
  llm: { baseUrl: string; apiKey: string | undefined; model: string } | undefined;
  /** The embedding model on the same server (memory search); undefined = lexical search only. */
  llmEmbeddingModel: string | undefined;
  agentTimeoutMs: number;
  /** How long a run's lease lasts unrenewed: after a crash, another instance takes the run over this much later. */
  agentRunLeaseMs: number;
  sseHeartbeatMs: number;
  google: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    redirectUri: string | undefined;
    authUrl: string;
    tokenUrl: string;
    revokeUrl: string;
    gmailApiUrl: string;
    calendarApiUrl: string;
  };
  /** May connection settings (mail, CalDAV) name loopback or private-network hosts? Off in production: no probing of the server's network. */
  allowPrivateHosts: boolean;
  rateLimits: {
    /** Failed logins per address and email, per 15 minutes. */
    login: number;
    /** Failed logins per address across every email, per 15 minutes (password spraying). */
    loginAddress: number;
    /** Failed logins per account across every address, per hour. */
    loginAccount: number;
    /** Wrong current passwords (or codes) re-entered by a signed-in session, per 15 minutes; twice that per user per hour. */
    passwordCheck: number;
    register: number;
    api: number;
    /** Requests per personal access token, per minute. */
    token: number;
  };
  /** Password hashes (argon2) run at once, and how many more may wait (past that a 503); how many one address or session may have in flight (past that a 429). */
  passwordHashing: { concurrency: number; queue: number; perClient: number };
  /** Open live streams allowed per session, per user and on this instance. */
  streams: { perSession: number; perUser: number; total: number };
  /** Postings (a memory's lexemes) the memory-search indexes of this instance may hold: about 40 bytes each. */
  memoryIndexPostings: number;
  registration: 'open' | 'invite' | 'closed';
  /** Outgoing mail of the server itself (password resets, security notices); undefined = none. */
  mail: { url: string; from: string } | undefined;
  metricsToken: string | undefined;
  webDir: string | undefined;
  push: {
    /** Web Push (VAPID, RFC 8292); undefined when no keys are configured (production without VAPID_*). */
    vapid: { publicKey: string; privateKey: string; subject: string } | undefined;
    expo: { enabled: boolean; accessToken: string | undefined; url: string; receiptDelaySeconds: number };
  };
  /** How often each instance looks for due reminders. */
  reminderScanMs: number;
  /** OTLP/HTTP collector base URL; traces are exported only when set. */
  otlpEndpoint: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const NEON_HOST = /\.neon\.tech$|\.neon\.build$/i;

/** Reads and validates the environment; throws a ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const production = e.NODE_ENV === 'production';

  const jwt = e.JWT_SECRET ?? (production ? undefined : devSecret(dataDir, 'jwtSecret'));
  if (!jwt) throw new ConfigError('Invalid configuration: JWT_SECRET is required when NODE_ENV=production');
  const weakness = secretWeakness(jwt);
  if (weakness) throw new ConfigError(`Invalid configuration: JWT_SECRET ${weakness}; generate one with \`openssl rand -hex 32\``);

  const currentKey = e.ENCRYPTION_KEY ?? (production ? undefined : devSecret(dataDir, 'encryptionKey'));
  if (!currentKey) throw new ConfigError('Invalid configuration: ENCRYPTION_KEY is required when NODE_ENV=production');
  const encryptionKeys = [
    parseKey('ENCRYPTION_KEY', currentKey),
    ...(e.ENCRYPTION_KEYS_PREVIOUS?.split(',').map((k) => parseKey('ENCRYPTION_KEYS_PREVIOUS', k.trim())) ?? []),
  ];
  // Links in mail and feed URLs are built from APP_URL, never from a request's Host header.
  if (production && !e.APP_URL) throw new ConfigError('Invalid configuration: APP_URL is required when NODE_ENV=production');
  if (e.SMTP_URL && !e.MAIL_FROM) throw new ConfigError('Invalid configuration: MAIL_FROM is required when SMTP_URL is set');

  let driver: Config['database']['driver'] = 'pglite';
  if (e.DATABASE_DRIVER !== 'auto') driver = e.DATABASE_DRIVER;
  else if (e.DATABASE_URL) driver = NEON_HOST.test(new URL(e.DATABASE_URL).hostname) ? 'neon' : 'pg';
  if (driver !== 'pglite' && !e.DATABASE_URL) {
    throw new ConfigError(`Invalid configuration: DATABASE_URL is required when DATABASE_DRIVER=${driver}`);
  }

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    version: readVersion(),
    dataDir,
    database: { driver, url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    jwtSecret: new TextEncoder().encode(jwt),
    encryptionKeys,
    corsOrigins: e.CORS_ORIGINS?.split(',').map((o) => o.trim()).filter(Boolean) ?? [],
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    trustProxy: e.TRUST_PROXY,
    appUrl: e.APP_URL,
    llm: resolveLlm(e),
    llmEmbeddingModel: e.LLM_EMBEDDING_MODEL,
    agentTimeoutMs: e.AGENT_TIMEOUT_MS,
    agentRunLeaseMs: e.AGENT_RUN_LEASE_MS,
    sseHeartbeatMs: e.SSE_HEARTBEAT_MS,
    google: {
      clientId: e.GOOGLE_CLIENT_ID,
      clientSecret: e.GOOGLE_CLIENT_SECRET,
      redirectUri: e.GOOGLE_REDIRECT_URI,
      authUrl: e.GOOGLE_AUTH_URL,
      tokenUrl: e.GOOGLE_TOKEN_URL,
      revokeUrl: e.GOOGLE_REVOKE_URL,
      gmailApiUrl: e.GMAIL_API_URL,
      calendarApiUrl: e.GOOGLE_CALENDAR_API_URL,
    },
    allowPrivateHosts: e.ALLOW_PRIVATE_HOSTS ? e.ALLOW_PRIVATE_HOSTS === 'true' : !production,
    rateLimits: {
      login: e.RATE_LIMIT_LOGIN,
      loginAddress: e.RATE_LIMIT_LOGIN_ADDRESS,
      loginAccount: e.RATE_LIMIT_LOGIN_ACCOUNT,
      passwordCheck: e.RATE_LIMIT_PASSWORD_CHECK,
      register: e.RATE_LIMIT_REGISTER,
      api: e.RATE_LIMIT_API,
      token: e.RATE_LIMIT_TOKEN,
    },
    passwordHashing: { concurrency: e.PASSWORD_HASH_CONCURRENCY, queue: e.PASSWORD_HASH_QUEUE, perClient: e.PASSWORD_HASH_PER_CLIENT },
    streams: { perSession: e.SSE_MAX_STREAMS_PER_SESSION, perUser: e.SSE_MAX_STREAMS_PER_USER, total: e.SSE_MAX_STREAMS },
    memoryIndexPostings: e.MEMORY_INDEX_POSTINGS,
    registration: e.REGISTRATION,
    mail: e.SMTP_URL && e.MAIL_FROM ? { url: e.SMTP_URL, from: e.MAIL_FROM } : undefined,
    metricsToken: e.METRICS_TOKEN,
    webDir: e.WEB_DIR,
    push: {
      vapid: resolveVapid(e, production, dataDir),
      expo: { enabled: e.EXPO_PUSH === 'true', accessToken: e.EXPO_ACCESS_TOKEN, url: e.EXPO_PUSH_URL, receiptDelaySeconds: e.EXPO_RECEIPT_DELAY_SECONDS },
    },
    reminderScanMs: e.REMINDER_SCAN_MS,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
  };
}

/**
 * VAPID keys (base64url, as browsers take them): from the environment, both or neither;
 * in development generated once and kept in DATA_DIR like the other development secrets.
 * In production without them Web Push is off.
 */
function resolveVapid(e: z.infer<typeof EnvSchema>, production: boolean, dataDir: string): Config['push']['vapid'] {
  const subject = e.VAPID_SUBJECT ?? (e.APP_URL?.startsWith('https://') ? e.APP_URL : 'mailto:push@lifeos.invalid');
  if (e.VAPID_PUBLIC_KEY || e.VAPID_PRIVATE_KEY) {
    if (!e.VAPID_PUBLIC_KEY || !e.VAPID_PRIVATE_KEY) throw new ConfigError('Invalid configuration: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together');
    if (Buffer.from(e.VAPID_PUBLIC_KEY, 'base64url').length !== 65) throw new ConfigError('Invalid configuration: VAPID_PUBLIC_KEY must be a P-256 public key (65 bytes, base64url)');
    if (Buffer.from(e.VAPID_PRIVATE_KEY, 'base64url').length !== 32) throw new ConfigError('Invalid configuration: VAPID_PRIVATE_KEY must be a P-256 private key (32 bytes, base64url)');
    if (production && !e.VAPID_SUBJECT && !e.APP_URL?.startsWith('https://')) {
      throw new ConfigError('Invalid configuration: VAPID_SUBJECT (mailto: or https://) is required with VAPID keys when NODE_ENV=production');
    }
    return { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject };
  }
  if (production) return undefined;
  const generate = () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pub = publicKey.export({ format: 'jwk' });
    const priv = privateKey.export({ format: 'jwk' });
    const raw = Buffer.concat([Buffer.from([4]), Buffer.from(pub.x!, 'base64url'), Buffer.from(pub.y!, 'base64url')]);
    return `${raw.toString('base64url')}.${priv.d}`;
  };
  // Tests get a fresh pair per process; development keeps one so browser subscriptions survive restarts.
  const pair = e.NODE_ENV === 'test' ? generate() : devSecret(dataDir, 'vapidKeys', generate);
  const [publicKey, privateKey] = pair.split('.') as [string, string];
  return { publicKey, privateKey, subject };
}

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_OPENAI_MODEL = 'gpt-5.4-mini';

/**
 * Any OpenAI-compatible server: LLM_BASE_URL + LLM_MODEL (+ LLM_API_KEY when it
 * needs one); or OpenAI itself with just OPENAI_API_KEY (or LLM_API_KEY), where
 * LLM_MODEL is optional. OPENAI_API_KEY is only ever sent to OpenAI.
 */
function resolveLlm(e: z.infer<typeof EnvSchema>): Config['llm'] {
  if (e.LLM_BASE_URL) {
    if (!e.LLM_MODEL) throw new ConfigError('Invalid configuration: LLM_MODEL is required when LLM_BASE_URL is set');
    const openai = new URL(e.LLM_BASE_URL).hostname === new URL(OPENAI_BASE_URL).hostname;
    return { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY ?? (openai ? e.OPENAI_API_KEY : undefined), model: e.LLM_MODEL };
  }
  const apiKey = e.LLM_API_KEY ?? e.OPENAI_API_KEY;
  if (apiKey) return { baseUrl: OPENAI_BASE_URL, apiKey, model: e.LLM_MODEL ?? DEFAULT_OPENAI_MODEL };
  if (e.LLM_MODEL) {
    throw new ConfigError('Invalid configuration: LLM_MODEL needs LLM_BASE_URL (any OpenAI-compatible server) or OPENAI_API_KEY');
  }
  return undefined;
}

/** A 32-byte key, given as 64 hex characters or base64. */
function parseKey(name: string, value: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(`Invalid configuration: ${name} must be 32 bytes, as 64 hex characters or base64`);
  }
  // All zeros, or any one byte repeated: a placeholder, not a key.
  if (key.every((b) => b === key[0])) {
    throw new ConfigError(`Invalid configuration: ${name} is one byte repeated; generate one with \`openssl rand -hex 32\``);
  }
  return key;
}

const PLACEHOLDER_SECRET = /change.?(?:me|this)|replace.?me|placeholder|example|secret|password|insecure|default|your.?(?:jwt|key)|^(.{1,8})\1+$/i;
const MIN_DISTINCT_CHARACTERS = 10;

/** Why a JWT secret is too weak to sign sessions with, or undefined. */
export function secretWeakness(secret: string): string | undefined {
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS) return `has fewer than ${MIN_DISTINCT_CHARACTERS} distinct characters`;
  if (PLACEHOLDER_SECRET.test(secret)) return 'looks like a placeholder or a repeated word';
  return undefined;
}

/** Development only: a random secret generated once and kept in DATA_DIR so restarts keep sessions. */
function devSecret(dataDir: string, name: 'jwtSecret' | 'encryptionKey' | 'vapidKeys', generate = () => randomBytes(32).toString('hex')): string {
  const file = path.join(dataDir, 'dev-secrets.json');
  let secrets: Record<string, string> = {};
  if (existsSync(file)) secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  if (!secrets[name]) {
    secrets[name] = generate();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets[name];
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
