// Time to a usable composer for a signed-in user on a cold cache, under Chromium's
// network and CPU throttling: a 9 Mbps / 150 ms phone, and 1.6 Mbps / 150 ms with a
// 4x slower CPU. Prints the median of several runs per profile, and what was sent.
//
//   node scripts/measure-first-load.ts [--web-dir apps/mobile/dist] [--runs 3]
//
// Build first (npm run build:web). A build without .br/.gz copies is served
// uncompressed, as before precompression.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { WEB_DIR, newAccount, startServer } from '../apps/mobile/e2e/helpers.ts';
import { systemBinary } from '../apps/server/test/helpers/system-servers.ts';

const { values } = parseArgs({ options: { 'web-dir': { type: 'string' }, runs: { type: 'string' } } });
const webDir = path.resolve(values['web-dir'] ?? WEB_DIR);
const runs = Number(values.runs ?? 3);

const PROFILES = [
  { name: '9 Mbps, 150 ms', down: 9_000_000, up: 9_000_000, latencyMs: 150, cpu: 1 },
  { name: '1.6 Mbps, 150 ms, 4x CPU', down: 1_600_000, up: 750_000, latencyMs: 150, cpu: 4 },
];

const server = await startServer({ WEB_DIR: webDir });
try {
  const account = newAccount();
  const res = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...account, timezone: 'Europe/Berlin' }),
  });
  const auth = (await res.json()) as { accessToken: string; refreshToken: string; accessTokenExpiresAt: string };
  const results: Record<string, { medianMs: number; runsMs: number[]; transferredBytes: number }> = {};

  for (const profile of PROFILES) {
    const times: number[] = [];
    let transferred = 0;
    for (let run = 0; run < runs; run++) {
      const dir = mkdtempSync(path.join(tmpdir(), 'lifeos-speed-'));
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: systemBinary('chromium'),
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        viewport: { width: 390, height: 844 },
      });
      try {
        // Signed in already (as on a second visit), but with nothing cached.
        const session = JSON.stringify({ accessToken: auth.accessToken, refreshToken: auth.refreshToken, accessTokenExpiresAt: auth.accessTokenExpiresAt });
        await context.addInitScript((value) => localStorage.setItem('lifeos.session', value), session);
        const page = context.pages()[0] ?? (await context.newPage());
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        await cdp.send('Network.emulateNetworkConditions', {
          offline: false,
          latency: profile.latencyMs,
          downloadThroughput: profile.down / 8,
          uploadThroughput: profile.up / 8,
        });
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
        let bytes = 0;
        cdp.on('Network.loadingFinished', (event: { encodedDataLength: number }) => (bytes += event.encodedDataLength));
        const started = performance.now();
        await page.goto(`${server.url}/`, { waitUntil: 'commit' });
        // fill() waits until the box is visible, enabled and editable: the first thing a person can do.
        await page.getByLabel('Message', { exact: true }).fill('hello', { timeout: 60_000 });
        times.push(Math.round(performance.now() - started));
        transferred = bytes;
      } finally {
        await context.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const sorted = [...times].sort((a, b) => a - b);
    results[profile.name] = { medianMs: sorted[Math.floor(sorted.length / 2)]!, runsMs: times, transferredBytes: transferred };
    console.log(`${profile.name}: ${results[profile.name]!.medianMs} ms (runs ${times.join(', ')}), ${Math.round(transferred / 1024)} KB transferred`);
  }
  console.log(JSON.stringify({ webDir: path.relative(process.cwd(), webDir) || '.', results }, null, 2));
} finally {
  await server.close();
}
