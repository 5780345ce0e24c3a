// npm run bench — LifeOS against a bare node:http baseline running the same
// SQL, on PostgreSQL and on the embedded PGlite, each from this separate
// process over 127.0.0.1. Prints one table.
//
//   npm run bench                          both databases, a 40-second soak (about 6 minutes)
//   npm run bench -- --full                the 2-minute soak and 10-second runs
//   npm run bench -- --db pglite --only get,post --duration 5 --soak 20
//   npm run bench -- --only reminders      reminder delivery lag only (10k and 100k scheduled)
//   npm run bench -- --db pg --only get --cpu-prof prof   the LifeOS server under node --cpu-prof (one .cpuprofile per
//                                          thread in prof/ when it stops; open in Chrome DevTools or read with bench/profile-top.ts)
//
// PostgreSQL: BENCH_DATABASE_URL (or TEST_DATABASE_URL, or the local server);
// a fresh database is created for the run and dropped after it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { bearer, sseFanout, soak, userIdHeader, type AuthHeaders } from './clients.ts';
import { benchReminderLag } from './reminders.ts';
import { BENCH_PASSWORD, seed, type BenchUser } from './seed.ts';
import { fmt, summarize, table, type Summary } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'pg,pglite' },
    only: { type: 'string', default: 'get,post,sse,soak,login,reminders' },
    duration: { type: 'string' },
    soak: { type: 'string' },
    full: { type: 'boolean', default: false },
    'soak-users': { type: 'string', default: '1000' },
    'cpu-prof': { type: 'string' },
  },
});
const DURATION = Number(args.duration ?? (args.full ? 10 : 4));
const SOAK_SECONDS = Number(args.soak ?? (args.full ? 120 : 40));
const SOAK_USERS = Number(args['soak-users']);
const scenarios = new Set(args.only!.split(','));
const ROOT = path.resolve(import.meta.dirname, '..');
const ROUNDS = 2;

/** Rounds of one scenario as one: mean rate, latencies pooled. */
function merge<R extends { rps: number; lat: Summary; errors: number }>(runs: R[]): R {
  const all = runs.flatMap((r) => r.lat.values);
  return { ...runs[0]!, rps: runs.reduce((sum, r) => sum + r.rps, 0) / runs.length, errors: runs.reduce((sum, r) => sum + r.errors, 0), lat: summarize(all) };
}

interface Row {
  scenario: string;
  db: string;
  server: { rps: number; lat: Summary; errors: number } | undefined;
  baseline: { rps: number; lat: Summary; errors: number } | undefined;
  goal: string;
  met: boolean | undefined;
  note?: string;
}
const rows: Row[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited: ${log()}`);
    try {
      if ((await fetch(`${url}/api/health`)).status === 200) return;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error(`not healthy: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function start(script: string, scriptArgs: string[], env: Record<string, string>, nodeArgs: string[] = []): { child: ChildProcess; log: () => string } {
  let log = '';
  const child = spawn(process.execPath, [...nodeArgs, script, ...scriptArgs], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  return { child, log: () => log };
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });

/** Resident memory of a process, in MiB (Linux). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function cannon(
  url: string,
  options: { method: 'GET' | 'POST'; path: string; connections: number; users: BenchUser[]; auth: AuthHeaders; body?: (i: number) => string },
): Promise<{ rps: number; lat: Summary; errors: number }> {
  const latencies: number[] = [];
  let i = 0;
  let done!: (result: autocannon.Result) => void;
  let failed!: (err: unknown) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  const instance = autocannon({
    url,
    connections: options.connections,
    duration: DURATION,
    requests: [
      {
        method: options.method,
        path: options.path,
        setupRequest: (req) => {
          const user = options.users[i++ % options.users.length]!;
          return {
            ...req,
            headers: { ...options.auth(user), ...(options.body ? { 'content-type': 'application/json' } : {}) },
            ...(options.body ? { body: options.body(i) } : {}),
          };
        },
      },
    ],
  }, (err, result) => (err ? failed(err) : done(result)));
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  const result = await finished;
  return { rps: result.requests.average, lat: summarize(latencies), errors: result.non2xx + result.errors + result.timeouts };
}

async function benchDatabase(db: 'pg' | 'pglite'): Promise<void> {
  const jwtSecret = randomBytes(32).toString('hex');
  const work = mkdtempSync(path.join(os.tmpdir(), 'lifeos-bench-'));
  let databaseUrl: string | undefined;
  let dropDatabase = async () => undefined as void;
  if (db === 'pg') {
    const admin = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const name = `lifeos_bench_${randomBytes(4).toString('hex')}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const processes: ChildProcess[] = [];
  try {
    const t = performance.now();
    const users = await seed({ databaseUrl, dataDir: path.join(work, 'server'), jwtSecret, users: Math.max(SOAK_USERS, 200), messagesPerUser: 60 });
    console.log(`[${db}] seeded ${users.length} users in ${Math.round(performance.now() - t)} ms`);
    if (db === 'pglite') cpSync(path.join(work, 'server'), path.join(work, 'baseline'), { recursive: true });

    const serverPort = await freePort();
    const metricsToken = randomBytes(16).toString('hex');
    const server = start('apps/server/src/main.ts', [], {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(serverPort),
      APP_URL: `http://127.0.0.1:${serverPort}`,
      LOG_LEVEL: 'info',
      JWT_SECRET: jwtSecret,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      DATA_DIR: path.join(work, 'server'),
      METRICS_TOKEN: metricsToken,
      // One benchmark client is many users at machine speed; the limiter still runs, with a ceiling it will not reach.
      RATE_LIMIT_API: '10000000',
      // The login run measures hashing throughput: its connections wait for a hash instead of being turned away.
      PASSWORD_HASH_QUEUE: '100000',
      // The soak's 1,000 users all come from this one process's address. The per-address limits are meant for
      // one client among many: a login in flight counts against them, so they would turn most of these away (429).
      PASSWORD_HASH_PER_CLIENT: '100000',
      RATE_LIMIT_LOGIN_ADDRESS: '100000',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '' }),
    }, args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] : []);
    processes.push(server.child);
    const baselinePort = await freePort();
    const baseline = start(
      'bench/baseline-server.ts',
      ['--port', String(baselinePort), ...(databaseUrl ? ['--url', databaseUrl] : ['--data-dir', path.join(work, 'baseline', 'pglite')])],
      {},
    );
    processes.push(baseline.child);
    const serverUrl = `http://127.0.0.1:${serverPort}`;
    const baselineUrl = `http://127.0.0.1:${baselinePort}`;
    await Promise.all([waitHealthy(serverUrl, server.child, server.log), waitHealthy(baselineUrl, baseline.child, baseline.log)]);
    // Both must serve the same seeded history before anything is measured.
    for (const [url, headers] of [[serverUrl, bearer(users[0]!)], [baselineUrl, userIdHeader(users[0]!)]] as const) {
      const page = (await (await fetch(`${url}/api/messages?limit=50`, { headers })).json()) as { messages?: unknown[] };
      if (page.messages?.length !== 50) throw new Error(`${url} does not serve the seeded history: ${JSON.stringify(page).slice(0, 200)}`);
    }
    const label = db === 'pg' ? 'PostgreSQL' : 'PGlite';
    // Server and baseline take turns, so a change in the machine's load hits both alike.
    const both = async <R extends { rps: number; lat: Summary; errors: number }>(run: (url: string, auth: AuthHeaders) => Promise<R>, rounds = ROUNDS) => {
      const server: R[] = [];
      const base: R[] = [];
      for (let i = 0; i < rounds; i++) {
        server.push(await run(serverUrl, bearer));
        base.push(await run(baselineUrl, userIdHeader));
      }
      return { server: merge(server), baseline: merge(base) };
    };

    if (scenarios.has('get')) {
      console.log(`[${db}] GET /api/messages?limit=50, 100 connections, ${DURATION} s each`);
      const r = await both((url, auth) => cannon(url, { method: 'GET', path: '/api/messages?limit=50', connections: 100, users: users.slice(0, 100), auth }));
      rows.push({
        scenario: 'GET /api/messages?limit=50 (c=100)',
        db: label,
        ...r,
        goal: '≥ 50 % of baseline, p99 < 25 ms',
        met: r.server.rps >= 0.5 * r.baseline.rps && r.server.lat.p99 < 25 && r.server.errors === 0,
      });
    }
    if (scenarios.has('post')) {
      console.log(`[${db}] POST /api/messages (built-in engine), 20 connections, ${DURATION} s each`);
      const body = (i: number) => JSON.stringify({ content: `hello bench ${i}` });
      const r = await both((url, auth) => cannon(url, { method: 'POST', path: '/api/messages', connections: 20, users: users.slice(0, 100), auth, body }));
      rows.push({
        scenario: 'POST /api/messages (c=20)',
        db: label,
        ...r,
        goal: '≥ 1,000 msg/s, p99 < 50 ms',
        met: r.server.rps >= 1000 && r.server.lat.p99 < 50 && r.server.errors === 0,
      });
    }
    if (scenarios.has('sse')) {
      console.log(`[${db}] SSE fan-out: 2,000 streams of 200 users`);
      const fan = async (url: string, auth: AuthHeaders) => {
        const f = await sseFanout(url, users.slice(0, 200), auth, { streamsPerUser: 10, rounds: 3, postConcurrency: 10 });
        return { rps: f.postsPerSecond, lat: f.latency, errors: f.errors + (f.expected - f.delivered), note: `${f.delivered}/${f.expected} delivered` };
      };
      const r = await both(fan, 1);
      rows.push({
        scenario: 'SSE fan-out, 2,000 streams / 200 users (POST → event)',
        db: label,
        ...r,
        goal: 'p99 < 100 ms, all delivered',
        met: r.server.lat.p99 < 100 && r.server.errors === 0,
        note: `${(r.server as { note?: string }).note}; req/s = posts/s`,
      });
    }
    if (scenarios.has('login')) {
      console.log(`[${db}] POST /api/auth/login (argon2id 19 MiB, t=2), 4 connections, ${DURATION} s each`);
      const body = () => JSON.stringify({ email: users[0]!.email, password: BENCH_PASSWORD });
      const r = await both((url) => cannon(url, { method: 'POST', path: '/api/auth/login', connections: 4, users: users.slice(0, 1), auth: () => ({}), body }));
      rows.push({ scenario: 'POST /api/auth/login (c=4)', db: label, ...r, goal: 'report (argon2 bound)', met: undefined });
    }
    if (scenarios.has('soak')) {
      console.log(`[${db}] soak: ${SOAK_USERS} users for ${SOAK_SECONDS} s (login, history, send, stream)`);
      const heap = async () => {
        const text = await (await fetch(`${serverUrl}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
        return Number(/^lifeos_nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? NaN) / 2 ** 20;
      };
      const before = { rss: rssMiB(server.child.pid!), heap: await heap() };
      // Memory every tenth of the soak: flat means it levels off, not that it never moves.
      const samples: string[] = [];
      const sampler = setInterval(() => {
        void heap().then((h) => samples.push(`${fmt(rssMiB(server.child.pid!), 0)}/${fmt(h, 0)}`), () => undefined);
      }, (SOAK_SECONDS * 1000) / 10);
      const s = await soak(serverUrl, users.slice(0, SOAK_USERS), { seconds: SOAK_SECONDS, thinkMs: 2_000 });
      clearInterval(sampler);
      await new Promise((r) => setTimeout(r, 5_000));
      const after = { rss: rssMiB(server.child.pid!), heap: await heap() };
      const all = summarize([]);
      rows.push({
        scenario: `soak: ${s.users} users, ${s.seconds} s (login, history, send, stream)`,
        db: label,
        server: { rps: s.requests / s.seconds, lat: s.history.count ? s.history : all, errors: s.errors },
        baseline: undefined,
        goal: '0 errors, memory flat',
        met: s.errors === 0,
        note:
          `RSS ${fmt(before.rss, 0)} → ${fmt(after.rss, 0)} MiB, heap ${fmt(before.heap, 0)} → ${fmt(after.heap, 0)} MiB ` +
          `(RSS/heap MiB during the soak: ${samples.join(', ')}; after: 5 s after the end); ` +
          `p99 login ${fmt(s.login.p99, 0)} / history ${fmt(s.history.p99)} / send ${fmt(s.send.p99)} ms; ${s.streamEvents} stream events` +
          (s.errorSamples.length ? `; errors: ${s.errorSamples.join(', ')}` : ''),
      });
    }
  } finally {
    await Promise.all(processes.map(stop));
    await dropDatabase().catch((err) => console.error('could not drop the bench database', err));
    rmSync(work, { recursive: true, force: true });
  }
}

/** Reminder delivery lag (bench/reminders.ts) at 10,000 and 100,000 scheduled, on a server of its own. */
async function benchReminders(db: 'pg' | 'pglite'): Promise<void> {
  const label = db === 'pg' ? 'PostgreSQL' : 'PGlite';
  const admin = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  for (const total of [10_000, 100_000]) {
    console.log(`[${db}] reminder delivery lag, ${total.toLocaleString('en')} scheduled`);
    const r = await benchReminderLag(
      db,
      total,
      async (env) => {
        const port = await freePort();
        const server = start('apps/server/src/main.ts', [], {
          NODE_ENV: 'production',
          APP_URL: 'http://127.0.0.1',
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'warn',
          ENCRYPTION_KEY: randomBytes(32).toString('hex'),
          RATE_LIMIT_API: '10000000',
          ...env,
        });
        const url = `http://127.0.0.1:${port}`;
        try {
          await waitHealthy(url, server.child, server.log);
        } catch (err) {
          await stop(server.child);
          throw err;
        }
        return { url, stop: () => stop(server.child) };
      },
      admin,
    );
    rows.push({
      scenario: `reminder lag, ${total.toLocaleString('en')} scheduled (due → SSE event)`,
      db: label,
      server: { rps: NaN, lat: r.sse, errors: r.measured - r.delivered },
      baseline: undefined,
      goal: db === 'pg' ? 'p99 < 2,000 ms, all delivered' : 'report',
      met: db === 'pg' ? r.sse.p99 < 2_000 && r.delivered === r.measured : undefined,
      note: `${r.delivered}/${r.measured} timed reminders delivered; due → stored p50 ${fmt(r.stored.p50, 0)} / p99 ${fmt(r.stored.p99, 0)} ms; due → SSE p50 ${fmt(r.sse.p50, 0)} / p99 ${fmt(r.sse.p99, 0)} ms`,
    });
  }
}

const databases = args.db!.split(',') as ('pg' | 'pglite')[];
const started = performance.now();
const serverScenarios = ['get', 'post', 'sse', 'soak', 'login'].filter((s) => scenarios.has(s));
for (const db of databases) {
  if (serverScenarios.length) await benchDatabase(db);
  if (scenarios.has('reminders')) await benchReminders(db);
}

const cpu = os.cpus();
console.log(`\nLifeOS benchmark — ${cpu.length} × ${cpu[0]?.model.trim()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log(`runs of ${DURATION} s; soak ${SOAK_SECONDS} s; latencies in ms; server = LifeOS (main.ts, production mode), baseline = bench/baseline-server.ts\n`);
console.log(
  table(
    ['scenario', 'db', 'req/s', 'p50', 'p95', 'p99', 'errors (server / baseline)', 'baseline req/s', 'baseline p99', 'ratio', 'goal', 'met'],
    rows.map((r) => [
      r.scenario,
      r.db,
      fmt(r.server?.rps ?? NaN, 0),
      fmt(r.server?.lat.p50 ?? NaN),
      fmt(r.server?.lat.p95 ?? NaN),
      fmt(r.server?.lat.p99 ?? NaN),
      `${r.server?.errors ?? '–'} / ${r.baseline?.errors ?? '–'}`,
      fmt(r.baseline?.rps ?? NaN, 0),
      fmt(r.baseline?.lat.p99 ?? NaN),
      r.baseline && r.server ? `${fmt((100 * r.server.rps) / r.baseline.rps, 0)} %` : '–',
      r.goal,
      r.met === undefined ? '–' : r.met ? 'yes' : 'no',
    ]),
  ),
);
for (const r of rows.filter((r) => r.note)) console.log(`- ${r.scenario} [${r.db}]: ${r.note}`);
console.log(`\nfinished in ${Math.round((performance.now() - started) / 1000)} s`);
