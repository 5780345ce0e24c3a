// SIGTERM under load, on a real server process: what was in flight finishes,
// nothing new is accepted, live streams end cleanly, and the process exits 0.
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registerUser, PASSWORD } from './helpers/http.ts';
import { sharedSecrets, spawnServer, type ServerProcess } from './helpers/process.ts';
import { createTestDatabase, usingPostgres } from './helpers/server.ts';
import { openSse } from './helpers/sse.ts';

describe(`SIGTERM under load (${usingPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: ServerProcess;
  let dataDir: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-shutdown-'));
    database = usingPostgres() ? await createTestDatabase() : undefined;
    server = await spawnServer({ DATA_DIR: dataDir, ...sharedSecrets(), ...(database ? { DATABASE_URL: database.url } : {}) });
  });
  after(async () => {
    await server?.stop('SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when SIGTERM arrives, then in-flight requests finish, new ones are refused, streams end, and the exit code is 0', async () => {
    const user = await registerUser(server.url);
    const streams = await Promise.all([1, 2, 3].map(() => openSse(server.url, user.accessToken)));
    const port = Number(new URL(server.url).port);

    // In flight: messages whose bodies are only half sent when the signal arrives, and logins
    // (a few dozen milliseconds of argon2 each), each on its own connection.
    const send = (method: string, path: string, body: string, headers: Record<string, string>) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, agent: false, headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      } });
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        });
        req.on('error', reject);
      });
      return { req, response };
    };
    const bodies = [1, 2, 3].map((i) => JSON.stringify({ content: `sent across the shutdown ${i}` }));
    const halfSent = bodies.map((body) => {
      const call = send('POST', '/api/messages', body, { authorization: `Bearer ${user.accessToken}` });
      call.req.write(body.slice(0, 10));
      return { ...call, rest: body.slice(10) };
    });
    await new Promise((r) => setTimeout(r, 100));
    const logins = Array.from({ length: 4 }, () => {
      const call = send('POST', '/api/auth/login', JSON.stringify({ email: user.user.email, password: PASSWORD }), {});
      call.req.end(JSON.stringify({ email: user.user.email, password: PASSWORD }));
      return call.response;
    });
    await new Promise((r) => setTimeout(r, 30));
    const exited = server.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));

    // New connections are refused while draining.
    const fresh = await new Promise<string>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/health', agent: false }, (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    assert.equal(fresh, 'ECONNREFUSED');

    for (const [i, call] of halfSent.entries()) {
      call.req.end(call.rest);
      const finished = await call.response;
      assert.equal(finished.status, 201, finished.body);
      assert.equal(JSON.parse(finished.body).message.content, `sent across the shutdown ${i + 1}`);
    }
    for (const login of await Promise.all(logins)) assert.equal(login.status, 200, login.body);
    await Promise.all(streams.map((s) => s.ended));
    assert.equal(await exited, 0);
  });
});
