// npm run db:backup | db:restore | db:transfer — logical copies of the configured
// database (the embedded one in DATA_DIR, or DATABASE_URL), see transfer.ts.
//
//   npm run db:backup -- [--out FILE]            a consistent backup file (gzip, JSON lines)
//   npm run db:restore -- FILE [--to URL]        into the configured (or the given) empty database
//   npm run db:transfer -- --to URL              the configured database into an empty PostgreSQL / Neon
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createLogger } from '../lib/logger.ts';
import { createDatabase, type Database } from './client.ts';
import { backupToFile, restoreFromFile, transfer, TransferError, type TableSummary } from './transfer.ts';

const USAGE = `usage:
  npm run db:backup -- [--out FILE]
  npm run db:restore -- FILE [--to postgres://…]
  npm run db:transfer -- --to postgres://… [--from postgres://…]`;

/** The configuration with another database: the same rules pick the driver (pg, or Neon for its hosts). */
function configFor(url: string | undefined): Config {
  const env = { ...process.env };
  if (url !== undefined) {
    env.DATABASE_URL = url;
    env.DATABASE_DRIVER = 'auto';
  }
  return loadConfig(env);
}

/** An embedded database belongs to one process: refuse to open one a running server holds. */
function assertEmbeddedFree(config: Config, force: boolean) {
  if (config.database.driver !== 'pglite' || force) return;
  const pid = path.join(config.dataDir, 'pglite', 'postmaster.pid');
  if (existsSync(pid)) {
    throw new TransferError(
      `the embedded database in ${path.join(config.dataDir, 'pglite')} is open in a running server (or it was not shut down cleanly). ` +
        'Stop the server first; if none is running, add --force.',
    );
  }
}

function describe(config: Config): string {
  if (config.database.driver === 'pglite') return `the embedded database in ${config.dataDir}`;
  const url = new URL(config.database.url!);
  return `${config.database.driver === 'neon' ? 'Neon' : 'PostgreSQL'} at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
}

function report(summaries: TableSummary[]) {
  const total = summaries.reduce((n, s) => n + s.rows, 0);
  for (const s of summaries) console.log(`  ${s.name.padEnd(28)} ${String(s.rows).padStart(8)} rows  ${s.checksum}`);
  console.log(`  ${summaries.length} tables, ${total} rows, each count and checksum verified`);
}

async function open(config: Config): Promise<Database> {
  return createDatabase(config, { log: createLogger('warn') });
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { out: { type: 'string' }, to: { type: 'string' }, from: { type: 'string' }, force: { type: 'boolean' } },
  });
  const force = values.force ?? false;
  if (command === 'backup') {
    const config = configFor(values.from);
    assertEmbeddedFree(config, force);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const file = path.resolve(values.out ?? `lifeos-backup-${stamp}.jsonl.gz`);
    if (existsSync(file)) throw new TransferError(`${file} exists already`);
    const database = await open(config);
    try {
      console.log(`Backing up ${describe(config)} to ${file}`);
      report(await backupToFile(database, file));
    } finally {
      await database.close();
    }
    return;
  }
  if (command === 'restore') {
    const file = positionals[0];
    if (!file) throw new TransferError(`restore needs the backup file\n${USAGE}`);
    if (!existsSync(file)) throw new TransferError(`${file} does not exist`);
    const config = configFor(values.to);
    assertEmbeddedFree(config, force);
    const database = await open(config);
    try {
      console.log(`Restoring ${path.resolve(file)} into ${describe(config)}`);
      report(await restoreFromFile(database, file));
    } finally {
      await database.close();
    }
    return;
  }
  if (command === 'transfer') {
    if (!values.to) throw new TransferError(`transfer needs --to postgres://…\n${USAGE}`);
    const sourceConfig = configFor(values.from);
    const targetConfig = configFor(values.to);
    if (targetConfig.database.driver === 'pglite') throw new TransferError('--to must be a postgres:// URL');
    if (sourceConfig.database.url === targetConfig.database.url) throw new TransferError('the source and the target are the same database');
    assertEmbeddedFree(sourceConfig, force);
    const source = await open(sourceConfig);
    let target: Database | undefined;
    try {
      target = await open(targetConfig);
      console.log(`Copying ${describe(sourceConfig)} to ${describe(targetConfig)}`);
      report(await transfer(source, target));
      console.log(`Done. Start LifeOS with DATABASE_URL set to the target; ${describe(sourceConfig)} is left as it was.`);
    } finally {
      await target?.close();
      await source.close();
    }
    return;
  }
  throw new TransferError(USAGE);
}

if (existsSync('.env')) process.loadEnvFile('.env');
try {
  await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof TransferError || err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
}
