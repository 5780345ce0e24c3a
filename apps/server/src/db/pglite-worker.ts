// The embedded database in a thread of its own: PGlite's WebAssembly runs
// here, so a slow query no longer stops the HTTP thread. The main thread
// (db/pglite-thread.ts) sends one message per statement and gets the parsed
// rows back; notifications are posted on the same port before the reply to
// the statement that delivered them, so their order is kept.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { WorkerRequest, WorkerResponse, WorkerStart } from './pglite-thread.ts';

const port = parentPort!;
const start = workerData as WorkerStart;
const post = (message: WorkerResponse) => port.postMessage(message);

// Drizzle asks for some types as the text PostgreSQL sends (its parsers are the identity);
// a function cannot cross threads, so the main thread sends their type ids.
const rawParsers = new Map<string, QueryOptions['parsers']>();
function parsersFor(rawTypes: number[] | undefined): QueryOptions['parsers'] | undefined {
  if (!rawTypes?.length) return undefined;
  const key = rawTypes.join(',');
  let parsers = rawParsers.get(key);
  if (!parsers) rawParsers.set(key, (parsers = Object.fromEntries(rawTypes.map((oid) => [oid, (value: string) => value]))));
  return parsers;
}

/** A database error with its fields (code, constraint, detail): structured clone would keep only the message. */
function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) {
    if (value === undefined || typeof value === 'function' || key === 'queryOptions' || key === 'params') continue;
    fields[key] = value;
  }
  return { ...fields, message: err.message, name: err.name };
}

/** What crosses the thread: everything but a blob (unused here). */
const plain = ({ rows, fields, affectedRows, command, rowCount }: Results<unknown>) => ({ rows, fields, affectedRows, command, rowCount });

async function main(): Promise<void> {
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(start.dataDir, {
      extensions: { pg_trgm },
      ...(start.loadDataDir ? { loadDataDir: new Blob([start.loadDataDir]) } : {}),
    });
  } catch (err) {
    post({ type: 'failed', error: errorFields(err) });
    return;
  }
  pglite.onNotification((channel, payload) => post({ type: 'notify', channel, payload }));

  const run = async (request: WorkerRequest): Promise<unknown> => {
    switch (request.op) {
      case 'query': {
        const result = await pglite.query(request.text, request.params, {
          rowMode: request.rowMode ?? 'object',
          ...(request.rawTypes ? { parsers: parsersFor(request.rawTypes) } : {}),
        });
        return plain(result);
      }
      case 'exec': {
        try {
          const results = await pglite.exec(request.text);
          return results.map(plain);
        } catch (err) {
          // One connection: a failed block of statements must not leave it inside an aborted transaction.
          if (request.rollbackOnError) await pglite.query('rollback').catch(() => undefined);
          throw err;
        }
      }
      case 'close':
        await pglite.close();
        return null;
    }
  };

  port.on('message', (request: WorkerRequest) => {
    run(request).then(
      (result) => {
        post({ type: 'result', id: request.id, result });
        if (request.op === 'close') port.close();
      },
      (err: unknown) => post({ type: 'error', id: request.id, error: errorFields(err) }),
    );
  });
  post({ type: 'ready' });
}

void main();
