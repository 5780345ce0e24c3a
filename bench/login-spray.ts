// node bench/login-spray.ts [--seconds 10] [--concurrency 20] [--unlimited]
//
// A password-spraying client (one address, a new email per try, 20 requests
// in flight) against a LifeOS server in its own process, while a real user
// signs in from another address every 250 ms. Prints the sprayer's
// throughput and statuses and the real user's login latency. `--unlimited`
// lifts the failure limits and the hash gate, which is how the server
// behaved before them.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '20' },
    unlimited: { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const port = await freePort();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-spray-'));
const unlimited = args.unlimited
  ? { RATE_LIMIT_LOGIN_ADDRESS: '100000000', RATE_LIMIT_LOGIN_ACCOUNT: '100000000', PASSWORD_HASH_CONCURRENCY: '4', PASSWORD_HASH_QUEUE: '100000000', PASSWORD_HASH_PER_CLIENT: '100000000' }
  : {};
const child = spawn(process.execPath, [path.join(import.meta.dirname, '../apps/server/src/main.ts')], {
  env: {
    PATH: process.env.PATH,
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    TRUST_PROXY: 'true',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ...unlimited,
  },
  stdio: 'inherit',
});
const base = `http://127.0.0.1:${port}`;

const post = (p: string, body: unknown, address: string) =>
  fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify(body) });

try {
  for (const deadline = Date.now() + 60_000; ; ) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  const user = { email: `real.${Date.now()}@example.test`, password: 'a sturdy passphrase 42' };
  if ((await post('/api/auth/register', user, '198.51.100.1')).status !== 201) throw new Error('register failed');

  const end = Date.now() + seconds * 1000;
  const statuses = new Map<number, number>();
  let sprayed = 0;
  const sprayer = async () => {
    while (Date.now() < end) {
      const res = await post('/api/auth/login', { email: `target.${sprayed++}@example.test`, password: 'Summer2026!' }, '203.0.113.9');
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  };
  const latencies: number[] = [];
  const realUser = async () => {
    while (Date.now() < end) {
      const t = performance.now();
      const res = await post('/api/auth/login', user, '192.0.2.44');
      await res.arrayBuffer();
      if (res.status === 200) latencies.push(performance.now() - t);
      else statuses.set(-res.status, (statuses.get(-res.status) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  // The real user alone first, for a baseline.
  const quiet: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await (await post('/api/auth/login', user, '192.0.2.44')).arrayBuffer();
    quiet.push(performance.now() - t);
  }
  const started = performance.now();
  await Promise.all([...Array.from({ length: concurrency }, sprayer), realUser()]);
  const elapsed = (performance.now() - started) / 1000;

  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(0) : '-';
  };
  const spray = [...statuses].filter(([s]) => s > 0);
  const failedReal = [...statuses].filter(([s]) => s < 0).map(([s, n]) => `${-s}×${n}`);
  console.log(`limits: ${args.unlimited ? 'off (as before)' : 'on (defaults)'}; ${concurrency} spraying requests in flight for ${seconds} s`);
  console.log(`sprayer: ${(sprayed / elapsed).toFixed(0)} tries/s; statuses ${spray.map(([s, n]) => `${s}×${n}`).join(', ')}`);
  console.log(`real user alone: p50 ${pct(quiet, 50)} ms; during the spray: ${latencies.length} logins, p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms${failedReal.length ? `, refused ${failedReal.join(', ')}` : ''}`);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
