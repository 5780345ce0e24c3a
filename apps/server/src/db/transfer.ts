// Logical copies of a LifeOS database: every table of the public schema as
// JSON rows, read in one consistent snapshot and written in one transaction.
// The same format serves backups (a file) and transfers (embedded → PostgreSQL
// or Neon), and works in both directions because PostgreSQL itself converts
// each value to and from JSON (jsonb_build_object / jsonb_populate_recordset),
// whatever the server version. Job-queue state (schema `pgboss`) is not copied:
// every instance schedules its jobs again at start.
import { createGunzip, createGzip } from 'node:zlib';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from './client.ts';

export const BACKUP_FORMAT = 'lifeos-backup';
export const BACKUP_VERSION = 1;
const BATCH_ROWS = 500;

export interface TableInfo {
  name: string;
  /** Columns that hold data (generated columns are left to the target to compute). */
  columns: string[];
  /** Identity columns, whose sequence is moved past the copied values. */
  identity: string[];
}

export interface TableSummary {
  name: string;
  rows: number;
  checksum: string;
}

export class TransferError extends Error {
  override name = 'TransferError';
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function rows<T>(db: DbOrTx, text: string): Promise<T[]> {
  const result = (await db.execute(sql.raw(text))) as unknown as { rows: T[] } | T[];
  return Array.isArray(result) ? result : result.rows;
}

/** The public tables, parents before children (foreign keys), each with its copyable columns. */
export async function listTables(db: DbOrTx): Promise<TableInfo[]> {
  const columns = await rows<{ table_name: string; column_name: string; is_generated: string; is_identity: string }>(
    db,
    `select c.table_name, c.column_name, c.is_generated, c.is_identity
       from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      order by c.table_name, c.ordinal_position`,
  );
  const edges = await rows<{ child: string; parent: string }>(
    db,
    `select ch.relname as child, pa.relname as parent
       from pg_constraint k
       join pg_class ch on ch.oid = k.conrelid
       join pg_class pa on pa.oid = k.confrelid
      where k.contype = 'f' and k.connamespace = 'public'::regnamespace and k.conrelid <> k.confrelid`,
  );
  const tables = new Map<string, TableInfo>();
  for (const c of columns) {
    let t = tables.get(c.table_name);
    if (!t) tables.set(c.table_name, (t = { name: c.table_name, columns: [], identity: [] }));
    if (c.is_generated === 'ALWAYS') continue;
    t.columns.push(c.column_name);
    if (c.is_identity === 'YES') t.identity.push(c.column_name);
  }
  // Depth-first topological order; names sorted so the order is stable.
  const parents = new Map<string, string[]>();
  for (const e of edges) parents.set(e.child, [...(parents.get(e.child) ?? []), e.parent]);
  const ordered: TableInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name) === 'done' || !tables.has(name)) return;
    if (state.get(name) === 'visiting') throw new TransferError(`foreign keys form a cycle at table ${name}`);
    state.set(name, 'visiting');
    for (const p of [...(parents.get(name) ?? [])].sort()) visit(p);
    state.set(name, 'done');
    ordered.push(tables.get(name)!);
  };
  for (const name of [...tables.keys()].sort()) visit(name);
  return ordered;
}

/** One row as canonical JSON (jsonb orders keys): the unit of export, import and checksum. */
function rowJson(table: TableInfo): string {
  // jsonb_build_object takes at most 100 arguments: 50 columns a call, joined with ||.
  const parts: string[] = [];
  for (let i = 0; i < table.columns.length; i += 50) {
    const args = table.columns.slice(i, i + 50).map((c) => `'${c.replaceAll("'", "''")}', t.${q(c)}`);
    parts.push(`jsonb_build_object(${args.join(', ')})`);
  }
  return parts.join(' || ');
}

/** Row count and an order-independent checksum of the table's data columns. */
export async function summarize(db: DbOrTx, table: TableInfo): Promise<TableSummary> {
  const [r] = await rows<{ n: number | string; sum: string }>(
    db,
    `select count(*) as n, coalesce(md5(string_agg(h, '' order by h)), '') as sum
       from (select md5((${rowJson(table)})::text) as h from ${q(table.name)} t) s`,
  );
  return { name: table.name, rows: Number(r!.n), checksum: r!.sum };
}

export interface Source {
  tables: TableInfo[];
  /** Streams a table's rows as JSON text, in batches. */
  read(table: TableInfo, onBatch: (rows: string[]) => Promise<void>): Promise<TableSummary>;
}

/**
 * Runs `fn` inside one read-only, repeatable-read transaction of `database`, so
 * every table is read from the same snapshot while the server may keep writing
 * (PostgreSQL); the embedded database must not be open in a running server.
 */
export async function withSnapshot<T>(database: Database, fn: (source: Source) => Promise<T>): Promise<T> {
  return database.db.transaction(
    async (tx) => {
      await tx.execute(sql.raw(`set local timezone = 'UTC'`));
      const tables = await listTables(tx);
      return fn({
        tables,
        async read(table, onBatch) {
          const cursor = `lifeos_export_${table.name}`;
          await tx.execute(sql.raw(`declare ${q(cursor)} no scroll cursor for select (${rowJson(table)})::text as r from ${q(table.name)} t`));
          for (;;) {
            const batch = await rows<{ r: string }>(tx, `fetch ${BATCH_ROWS} from ${q(cursor)}`);
            if (batch.length === 0) break;
            await onBatch(batch.map((b) => b.r));
          }
          await tx.execute(sql.raw(`close ${q(cursor)}`));
          return summarize(tx, table);
        },
      });
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** Refuses a target that holds any row in any of its tables (a migrated but unused database is fine). */
export async function assertEmpty(database: Database): Promise<void> {
  for (const table of await listTables(database.db)) {
    const [r] = await rows<{ any: boolean }>(database.db, `select exists (select 1 from ${q(table.name)}) as any`);
    if (r?.any) throw new TransferError(`the target database is not empty (table ${table.name} has rows); refusing to overwrite it`);
  }
}

export interface Sink {
  write(tableName: string, columns: string[], rowsJson: string[]): Promise<void>;
}

/**
 * Migrates `target`, then runs `fill` inside one transaction of it and checks
 * every table's count and checksum against `expected`: either all of it is
 * copied and verified, or nothing is.
 */
export async function importInto(
  target: Database,
  fill: (sink: Sink) => Promise<(TableSummary & { columns: string[] })[]>,
): Promise<TableSummary[]> {
  await target.migrate();
  await assertEmpty(target);
  return target.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local timezone = 'UTC'`));
    const tables = new Map((await listTables(tx)).map((t) => [t.name, t]));
    const sink: Sink = {
      async write(tableName, columns, rowsJson) {
        const table = tables.get(tableName);
        if (!table) throw new TransferError(`table ${tableName} does not exist in the target (is its LifeOS older than the source's?)`);
        const missing = columns.filter((c) => !table.columns.includes(c));
        if (missing.length) throw new TransferError(`table ${tableName}: the target has no column ${missing.join(', ')}`);
        const list = columns.map(q).join(', ');
        const overriding = table.identity.some((c) => columns.includes(c)) ? ' overriding system value' : '';
        await tx.execute(
          sql`${sql.raw(`insert into ${q(tableName)} (${list})${overriding} select ${list} from jsonb_populate_recordset(null::${q(tableName)}, `)}${`[${rowsJson.join(',')}]`}${sql.raw('::jsonb)')}`,
        );
      },
    };
    const expected = await fill(sink);
    for (const table of tables.values()) {
      for (const column of table.identity) {
        await tx.execute(
          sql.raw(
            `select setval(pg_get_serial_sequence('${q(table.name)}', '${column}'), coalesce((select max(${q(column)}) from ${q(table.name)}), 0) + 1, false)`,
          ),
        );
      }
    }
    const verified: TableSummary[] = [];
    for (const want of expected) {
      const table = tables.get(want.name)!;
      // Compare over the columns the source had; a column added by a newer target is not in the checksum.
      const got = await summarize(tx, { ...table, columns: table.columns.filter((c) => want.columns.includes(c)) });
      if (got.rows !== want.rows || got.checksum !== want.checksum) {
        throw new TransferError(
          `verification failed for table ${want.name}: ${want.rows} rows (${want.checksum}) in the source, ${got.rows} (${got.checksum}) copied`,
        );
      }
      verified.push(got);
    }
    return verified;
  });
}

/** Copies every row of `source` into the empty `target` and verifies it; the target is migrated first. */
export async function transfer(source: Database, target: Database): Promise<TableSummary[]> {
  return withSnapshot(source, (snapshot) =>
    importInto(target, async (sink) => {
      const summaries: (TableSummary & { columns: string[] })[] = [];
      for (const table of snapshot.tables) {
        const summary = await snapshot.read(table, (batch) => sink.write(table.name, table.columns, batch));
        summaries.push({ ...summary, columns: table.columns });
      }
      return summaries;
    }),
  );
}

type BackupLine =
  | { format: string; version: number; createdAt: string; driver: string; tables: string[] }
  | { table: string; columns: string[] }
  | { row: unknown }
  | { end: string; rows: number; checksum: string };

/** Writes a gzip-compressed backup file (one JSON document per line) from a consistent snapshot. */
export async function backupToFile(database: Database, file: string): Promise<TableSummary[]> {
  const gzip = createGzip();
  const out = createWriteStream(file, { mode: 0o600 });
  gzip.pipe(out);
  const put = async (line: BackupLine | string) => {
    if (!gzip.write(typeof line === 'string' ? line + '\n' : JSON.stringify(line) + '\n')) await once(gzip, 'drain');
  };
  try {
    const summaries = await withSnapshot(database, async (snapshot) => {
      await put({
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt: new Date().toISOString(),
        driver: database.driver,
        tables: snapshot.tables.map((t) => t.name),
      });
      const done: TableSummary[] = [];
      for (const table of snapshot.tables) {
        await put({ table: table.name, columns: table.columns });
        // Each row is already JSON text: wrapped without parsing it again.
        const summary = await snapshot.read(table, async (batch) => {
          for (const r of batch) await put(`{"row":${r}}`);
        });
        await put({ end: table.name, rows: summary.rows, checksum: summary.checksum });
        done.push(summary);
      }
      return done;
    });
    gzip.end();
    await once(out, 'close');
    return summaries;
  } catch (err) {
    gzip.destroy();
    out.destroy();
    throw err;
  }
}

/** Restores a backup file into the empty `target` (migrated first), verifying every table. */
export async function restoreFromFile(target: Database, file: string): Promise<TableSummary[]> {
  return importInto(target, async (sink) => {
    const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
    const summaries: (TableSummary & { columns: string[] })[] = [];
    let current: { table: string; columns: string[] } | undefined;
    let batch: string[] = [];
    let header = false;
    let listed: string[] = [];
    const flush = async () => {
      if (current && batch.length) await sink.write(current.table, current.columns, batch);
      batch = [];
    };
    for await (const line of lines) {
      if (!line) continue;
      if (!header) {
        const h = JSON.parse(line) as { format?: string; version?: number; tables?: unknown };
        if (h.format !== BACKUP_FORMAT) throw new TransferError(`${file} is not a LifeOS backup`);
        if (h.version !== BACKUP_VERSION) throw new TransferError(`${file} has backup format ${h.version}; this LifeOS reads ${BACKUP_VERSION}`);
        listed = Array.isArray(h.tables) ? h.tables.map(String) : [];
        header = true;
        continue;
      }
      if (line.startsWith('{"row":')) {
        if (!current) throw new TransferError(`${file} is damaged: a row outside a table`);
        // Strip the wrapper: the row's JSON goes to the database as it is.
        batch.push(line.slice(7, -1));
        if (batch.length >= BATCH_ROWS) await flush();
        continue;
      }
      const entry = JSON.parse(line) as BackupLine;
      if ('table' in entry) {
        current = entry;
      } else if ('end' in entry) {
        await flush();
        if (entry.end !== current?.table) throw new TransferError(`${file} is damaged near table ${entry.end}`);
        summaries.push({ name: entry.end, rows: entry.rows, checksum: entry.checksum, columns: current.columns });
        current = undefined;
      }
    }
    if (!header) throw new TransferError(`${file} is empty`);
    if (current) throw new TransferError(`${file} ends in the middle of table ${current.table} (truncated?)`);
    // Cut between two tables, the file is still well formed: the header's list tells what is missing.
    const missing = listed.filter((name) => !summaries.some((t) => t.name === name));
    if (missing.length) throw new TransferError(`${file} is truncated: ${missing.length === 1 ? 'table' : 'tables'} ${missing.join(', ')} missing`);
    return summaries;
  });
}
