// The only reader of the environment. Read once at start-up, validated, and
// refusing to start with a message that names the variable at fault.
import { randomBytes } from 'node:crypto';
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
  RATE_LIMIT_REGISTER: positiveInt(30),
  RATE_LIMIT_API: positiveInt(600),
  METRICS_TOKEN: optionalString,
  WEB_DIR: optionalString,
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
  rateLimits: { login: number; register: number; api: number };
  metricsToken: string | undefined;
  webDir: string | undefined;
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

  const currentKey = e.ENCRYPTION_KEY ?? (production ? undefined : devSecret(dataDir, 'encryptionKey'));
  if (!currentKey) throw new ConfigError('Invalid configuration: ENCRYPTION_KEY is required when NODE_ENV=production');
  const encryptionKeys = [
    parseKey('ENCRYPTION_KEY', currentKey),
    ...(e.ENCRYPTION_KEYS_PREVIOUS?.split(',').map((k) => parseKey('ENCRYPTION_KEYS_PREVIOUS', k.trim())) ?? []),
  ];

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
    rateLimits: { login: e.RATE_LIMIT_LOGIN, register: e.RATE_LIMIT_REGISTER, api: e.RATE_LIMIT_API },
    metricsToken: e.METRICS_TOKEN,
    webDir: e.WEB_DIR,
  };
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
  return key;
}

/** Development only: a random secret generated once and kept in DATA_DIR so restarts keep sessions. */
function devSecret(dataDir: string, name: 'jwtSecret' | 'encryptionKey'): string {
  const file = path.join(dataDir, 'dev-secrets.json');
  let secrets: Record<string, string> = {};
  if (existsSync(file)) secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  if (!secrets[name]) {
    secrets[name] = randomBytes(32).toString('hex');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets[name];
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
