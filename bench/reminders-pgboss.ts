// The alternative the reminder scan was measured against: one pg-boss job per
// reminder with `startAfter` (PostgreSQL only). N jobs scheduled, 500 of them
// falling due over 10 s, one worker; lag = due → the handler runs. Also times
// scheduling N jobs against inserting N reminder rows, and moving one.
//
//   node bench/reminders-pgboss.ts [--total 100000]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { fmt, summarize } from './stats.ts';

const { values } = parseArgs({ options: { total: { type: 'string', default: '100000' } } });
const TOTAL = Number(values.total);
const MEASURED = 500;
const WINDOW_MS = 10_000;
const admin = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const name = `lifeos_bench_boss_${randomBytes(4).toString('hex')}`;

const c = new pg.Client({ connectionString: admin });
await c.connect();
await c.query(`create database ${name}`);
await c.end();
const url = new URL(admin);
url.pathname = `/${name}`;
const boss = new PgBoss({ connectionString: url.toString(), schema: 'pgboss' });
boss.on('error', () => undefined);
try {
  await boss.start();
  await boss.createQueue('reminder');
  let t = performance.now();
  const later = Array.from({ length: TOTAL - MEASURED }, (_, i) => ({ data: { i }, startAfter: new Date(Date.now() + 86_400_000 * (1 + (i % 30))) }));
  for (let i = 0; i < later.length; i += 5_000) await boss.insert('reminder', later.slice(i, i + 5_000));
  const scheduleMs = performance.now() - t;
  const start = Date.now() + 5_000;
  const due = new Map<number, number>();
  const soon = Array.from({ length: MEASURED }, (_, i) => {
    const at = start + (i * WINDOW_MS) / MEASURED;
    due.set(i, at);
    return { data: { m: i }, startAfter: new Date(at) };
  });
  await boss.insert('reminder', soon);
  // Moving one reminder: find its job, cancel it, send a new one.
  t = performance.now();
  const [job] = (await boss.findJobs('reminder', { data: { i: 42 } })) as Array<{ id: string }>;
  if (job) await boss.cancel('reminder', job.id);
  await boss.send('reminder', { i: 42 }, { startAfter: new Date(Date.now() + 3 * 86_400_000) });
  const moveMs = performance.now() - t;
  const lags: number[] = [];
  await boss.work('reminder', { pollingIntervalSeconds: 0.5, batchSize: 50 }, async (jobs) => {
    const now = Date.now();
    for (const j of jobs) {
      const m = (j.data as { m?: number }).m;
      if (m !== undefined) lags.push(now - due.get(m)!);
    }
  });
  const deadline = start + WINDOW_MS + 30_000;
  while (lags.length < MEASURED && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const s = summarize(lags);
  console.log(`pg-boss, one job per reminder, ${TOTAL.toLocaleString('en')} scheduled: scheduling ${fmt(scheduleMs / 1000, 1)} s; moving one ${fmt(moveMs, 0)} ms; lag due → handler p50 ${fmt(s.p50, 0)} / p99 ${fmt(s.p99, 0)} ms (${lags.length}/${MEASURED})`);
} finally {
  await boss.stop({ graceful: false }).catch(() => undefined);
  const d = new pg.Client({ connectionString: admin });
  await d.connect();
  await d.query(`drop database if exists ${name} with (force)`);
  await d.end();
}
