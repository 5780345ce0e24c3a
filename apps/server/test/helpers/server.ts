// A real server over real HTTP on a fresh database: in-memory PGlite by
// default, or a new database on the PostgreSQL at TEST_DATABASE_URL.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createApp } from '../../src/app.ts';
import { boot, type Booted } from '../../src/bootstrap.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { MIGRATIONS_FOLDER } from '../../src/db/client.ts';
import type { AppContext } from '../../src/context.ts';
import { createLogger } from '../../src/lib/logger.ts';

export interface TestServer {
  url: string;
  ctx: AppContext;
  config: Config;
  /** The clock the server sees; tests may move it. */
  clock: { now: Date | null };
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Pin the server's clock (agents' "today"). */
  now?: Date;
  /** Reuse a database (e.g. a second instance): its URL from `createTestDatabase`. */
  databaseUrl?: string;
}

export const usingPostgres = () => Boolean(process.env.TEST_DATABASE_URL);

/** A fresh, empty PostgreSQL database on TEST_DATABASE_URL's server; dropped by `drop()`. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new URL(process.env.TEST_DATABASE_URL!);
  const name = `lifeos_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * A migrated, empty PGlite cluster, dumped once per migration set and shared
 * by every test file: loading it takes about a second, a fresh initdb several.
 */
async function pgliteTemplate(): Promise<Blob> {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDER, { recursive: true }).map(String).sort()) {
    const full = path.join(MIGRATIONS_FOLDER, file);
    if (file.endsWith('.sql') || file.endsWith('.json')) hash.update(file).update(readFileSync(full));
  }
  const file = path.join(tmpdir(), `lifeos-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
  if (!existsSync(file)) {
    const { PGlite } = await import('@electric-sql/pglite');
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const pglite = await PGlite.create('memory://', { extensions: { pg_trgm } });
    await migrate(drizzle(pglite), { migrationsFolder: MIGRATIONS_FOLDER });
    const dump = await pglite.dumpDataDir('none');
    await pglite.close();
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
  }
  return new Blob([readFileSync(file)]);
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: '/nonexistent-lifeos-test-dir',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Tests exercise limits explicitly; the defaults would throttle a fast suite.
    RATE_LIMIT_API: '100000',
    RATE_LIMIT_REGISTER: '100000',
    ...env,
  });
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl && usingPostgres()) {
    database = await createTestDatabase();
    databaseUrl = database.url;
  }
  const config = testConfig({ ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...options.env });
  const clock = { now: options.now ?? null };
  let booted: Booted;
  try {
    booted = await boot(config, {
      pgliteDataDir: 'memory://',
      ...(databaseUrl ? {} : { pgliteLoadDataDir: await pgliteTemplate() }),
      log: createLogger(config.logLevel),
      now: () => clock.now ?? new Date(),
    });
  } catch (err) {
    await database?.drop();
    throw err;
  }
  const app = createApp(booted.ctx);
  const server = app.listen(0, '127.0.0.1');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
  } catch (err) {
    await booted.close();
    await database?.drop();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ctx: booted.ctx,
    config,
    clock,
    async close() {
      booted.beginShutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await booted.close();
      await database?.drop();
    },
  };
}
