// Moving an installation between databases with the real commands: an embedded
// database (a PGlite data dir) transferred to PostgreSQL, a PostgreSQL backup
// restored into a new embedded database, and the real server started on each
// copy serving the same history, memories, events and sessions.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { as, registerUser, request } from './helpers/http.ts';
import { sharedSecrets, spawnServer, type ServerProcess } from './helpers/process.ts';
import { createTestDatabase, usingPostgres } from './helpers/server.ts';

const CLI = path.join(import.meta.dirname, '../src/db/copy-cli.ts');

function runCli(args: string[], env: Record<string, string>, secrets: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', APP_URL: 'http://127.0.0.1', ...secrets, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

interface Snapshot {
  history: string[];
  memories: string[];
  events: string[];
}

async function snapshot(url: string, token: string): Promise<Snapshot> {
  const api = as(url, token);
  const history = (await api.get('/api/messages?limit=100')).body.messages.map((m: { role: string; content: string }) => `${m.role}: ${m.content}`);
  const memories = (await api.get('/api/memories')).body.memories.map((m: { content: string }) => m.content).sort();
  const events = (await api.get('/api/calendar/events?from=2031-01-01T00:00:00Z&to=2032-01-01T00:00:00Z')).body.events
    .map((e: { title: string; start: string }) => `${e.title} ${e.start}`)
    .sort();
  return { history, memories, events };
}

describe('moving an installation between the embedded database and PostgreSQL', { skip: !usingPostgres() && 'needs TEST_DATABASE_URL' }, () => {
  const secrets = sharedSecrets();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lifeos-transfer-'));
  const embedded = { DATA_DIR: dataDir, ...secrets, APP_URL: 'http://127.0.0.1' };
  let target: Awaited<ReturnType<typeof createTestDatabase>>;
  let user: Awaited<ReturnType<typeof registerUser>>;
  let before_: Snapshot;

  before(async () => {
    target = await createTestDatabase();
    let server: ServerProcess | undefined = await spawnServer(embedded);
    try {
      user = await registerUser(server.url, { timezone: 'Europe/Berlin' });
      const api = as(server.url, user.accessToken);
      for (const content of [
        '@mem remember that my dentist is Dr. Weiss',
        '@mem my bike lock code is 4312',
        '@cal add haircut on 12 March 2031 at 10',
        'hello there, with "quotes", ümlauts and a \\ backslash',
      ]) {
        assert.equal((await api.post('/api/messages', { content })).status, 201);
      }
      before_ = await snapshot(server.url, user.accessToken);
      assert.ok(before_.memories.length >= 2 && before_.events.length >= 1, 'the seeded data is there');
    } finally {
      await server?.stop();
      server = undefined;
    }
  });

  after(async () => {
    await target?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the embedded database is transferred, then a server on PostgreSQL serves the same data and the old refresh token', async () => {
    const result = await runCli(['transfer', '--to', target.url], embedded, secrets);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /each count and checksum verified/);
    assert.doesNotMatch(result.output, /postgres:\/\/[^ ]*@/, 'no credentials printed');

    const server = await spawnServer({ DATABASE_URL: target.url, ...secrets, APP_URL: 'http://127.0.0.1' });
    try {
      assert.deepEqual(await snapshot(server.url, user.accessToken), before_);
      const refreshed = await request(server.url, 'POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      const login = await request(server.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: user.password, deviceName: 'after' } });
      assert.equal(login.status, 200);
      // New rows get fresh identities after the copied ones (sequences moved on).
      const api = as(server.url, user.accessToken);
      assert.equal((await api.post('/api/messages', { content: 'first message on PostgreSQL' })).status, 201);
      const latest = (await api.get('/api/messages?limit=2')).body.messages.map((m: { content: string }) => m.content);
      assert.ok(latest.includes('first message on PostgreSQL'), JSON.stringify(latest));
    } finally {
      await server.stop();
    }
  });

  it('when the target already holds data, then the transfer refuses and changes nothing', async () => {
    const result = await runCli(['transfer', '--to', target.url], embedded, secrets);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /not empty/);
  });

  it('when PostgreSQL is backed up and restored into a new embedded database, then a server on it serves the same data', async () => {
    const file = path.join(dataDir, 'backup.jsonl.gz');
    const backup = await runCli(['backup', '--out', file], { DATABASE_URL: target.url }, secrets);
    assert.equal(backup.code, 0, backup.output);

    const restoredDir = mkdtempSync(path.join(tmpdir(), 'lifeos-restore-'));
    try {
      const restore = await runCli(['restore', file], { DATA_DIR: restoredDir }, secrets);
      assert.equal(restore.code, 0, restore.output);
      const again = await runCli(['restore', file], { DATA_DIR: restoredDir }, secrets);
      assert.notEqual(again.code, 0, 'a second restore into the same database is refused');

      const server = await spawnServer({ DATA_DIR: restoredDir, ...secrets, APP_URL: 'http://127.0.0.1' });
      try {
        const restored = await snapshot(server.url, user.accessToken);
        assert.deepEqual(restored.memories, before_.memories);
        assert.deepEqual(restored.events, before_.events);
        assert.deepEqual(restored.history.slice(2), before_.history, 'the same history, plus the message sent on PostgreSQL');
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(restoredDir, { recursive: true, force: true });
    }
  });

  it('when a backup file is truncated, then restore fails and leaves the target empty', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { gunzipSync, gzipSync } = await import('node:zlib');
    const full = gunzipSync(readFileSync(path.join(dataDir, 'backup.jsonl.gz'))).toString().split('\n');
    const cut = path.join(dataDir, 'cut.jsonl.gz');
    writeFileSync(cut, gzipSync(full.slice(0, Math.floor(full.length / 2)).join('\n')));
    const emptyDir = mkdtempSync(path.join(tmpdir(), 'lifeos-restore-'));
    try {
      const restore = await runCli(['restore', cut], { DATA_DIR: emptyDir }, secrets);
      assert.notEqual(restore.code, 0);
      assert.match(restore.output, /truncated|verification failed|damaged/);
      // Nothing half-restored: a full restore into the same database still works.
      const full_ = await runCli(['restore', path.join(dataDir, 'backup.jsonl.gz')], { DATA_DIR: emptyDir }, secrets);
      assert.equal(full_.code, 0, full_.output);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });
});
