// Reminder delivery lag: with N reminders scheduled (10,000 and 100,000), a
// few hundred of them fall due over a short window while the server runs, and
// each is timed twice: due → message stored (the message's createdAt), and
// due → the `message.created` event read from the user's SSE stream here.
// The rest lie days to weeks ahead, as a real population would.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../apps/server/src/config.ts';
import { createDatabase } from '../apps/server/src/db/client.ts';
import { seed, type BenchUser } from './seed.ts';
import { summarize, type Summary } from './stats.ts';

export interface LagResult {
  scheduled: number;
  measured: number;
  delivered: number;
  stored: Summary;
  sse: Summary;
}

export interface ServerStarter {
  (env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }>;
}

const USERS = 200;
/** Reminders timed per run, spread over WINDOW_MS starting LEAD_MS after the server is asked to start. */
const MEASURED = 500;
const LEAD_MS = 25_000;
const WINDOW_MS = 10_000;

async function freshPostgres(admin: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lifeos_bench_rem_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Inserts the scheduled population straight through SQL: `total - MEASURED` far ahead, MEASURED inside the window. */
async function scheduleReminders(databaseUrl: string | undefined, dataDir: string, jwtSecret: string, total: number, windowStart: number): Promise<Map<string, number>> {
  const config = loadConfig({
    NODE_ENV: 'production',
    APP_URL: 'http://127.0.0.1',
    JWT_SECRET: jwtSecret,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const database = await createDatabase(config);
  try {
    await database.execute(
      `insert into reminders (user_id, text, due_at)
       select u.ids[1 + g % array_length(u.ids, 1)], 'later ' || g, now() + make_interval(days => 1 + (g % 30), secs => g % 86400)
       from (select array_agg(id order by id) as ids from users) u, generate_series(1, $1::int) g`,
      [total - MEASURED],
    );
    const rows = (
      await database.execute(
        `insert into reminders (user_id, text, due_at)
         select u.ids[1 + g % array_length(u.ids, 1)], 'bench reminder ' || g, to_timestamp($1::double precision / 1000 + g * $2::double precision / 1000)
         from (select array_agg(id order by id) as ids from users) u, generate_series(0, $3::int - 1) g
         returning id, due_at`,
        [windowStart, WINDOW_MS / MEASURED, MEASURED],
      )
    ).rows as Array<{ id: string; due_at: Date | string }>;
    await database.execute('analyze reminders');
    return new Map(rows.map((r) => [r.id, new Date(r.due_at).getTime()]));
  } finally {
    await database.close();
  }
}

/** Reads `message.created` events of one user's stream; calls back with the receipt time. */
async function listen(url: string, user: BenchUser, signal: AbortSignal, onEvent: (data: { metadata?: { reminder?: { id: string } }; createdAt: string }, at: number) => void): Promise<void> {
  const res = await fetch(`${url}/api/messages/stream`, { headers: { authorization: `Bearer ${user.token}`, accept: 'text/event-stream' }, signal });
  if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body!) {
        const at = Date.now();
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let index: number;
        while ((index = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          if (!block.includes('event: message.created')) continue;
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          onEvent(JSON.parse(data), at);
        }
      }
    } catch {
      // aborted at the end
    }
  })();
}

export async function benchReminderLag(db: 'pg' | 'pglite', total: number, startServer: ServerStarter, adminUrl: string): Promise<LagResult> {
  const jwtSecret = randomBytes(32).toString('hex');
  const work = mkdtempSync(path.join(os.tmpdir(), 'lifeos-bench-rem-'));
  const database = db === 'pg' ? await freshPostgres(adminUrl) : undefined;
  let server: Awaited<ReturnType<ServerStarter>> | undefined;
  const abort = new AbortController();
  try {
    const dataDir = path.join(work, 'server');
    const users = await seed({ databaseUrl: database?.url, dataDir, jwtSecret, users: USERS, messagesPerUser: 0 });
    const windowStart = Date.now() + LEAD_MS;
    const due = await scheduleReminders(database?.url, dataDir, jwtSecret, total, windowStart);
    server = await startServer({ JWT_SECRET: jwtSecret, DATA_DIR: dataDir, DATABASE_URL: database?.url ?? '' });
    const stored: number[] = [];
    const sse: number[] = [];
    const seen = new Set<string>();
    await Promise.all(
      users.map((u) =>
        listen(server!.url, u, abort.signal, (data, at) => {
          const id = data.metadata?.reminder?.id;
          const dueAt = id ? due.get(id) : undefined;
          if (!id || dueAt === undefined || seen.has(id)) return;
          seen.add(id);
          stored.push(new Date(data.createdAt).getTime() - dueAt);
          sse.push(at - dueAt);
        }),
      ),
    );
    if (Date.now() > windowStart) console.warn(`  the server took longer to start than the lead (${LEAD_MS} ms): early reminders count as late`);
    const deadline = windowStart + WINDOW_MS + 30_000;
    while (seen.size < due.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    return { scheduled: total, measured: due.size, delivered: seen.size, stored: summarize(stored), sse: summarize(sse) };
  } finally {
    abort.abort();
    await server?.stop();
    await database?.drop().catch((err: unknown) => console.error('could not drop the bench database', err));
    rmSync(work, { recursive: true, force: true });
  }
}
