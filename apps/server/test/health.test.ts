import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HealthResponse, Problem } from '@lifeos/contract';
import { request } from './helpers/http.ts';
import { createTestDatabase, startTestServer, type TestServer } from './helpers/server.ts';
import { skipWithout } from './helpers/system-servers.ts';
import { startTcpProxy } from './helpers/tcp-proxy.ts';

describe('health', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('when the database answers, then health is 200 ok without a token', async () => {
    const res = await request(server.url, 'GET', '/api/health');
    assert.equal(res.status, 200);
    const body = HealthResponse.parse(res.body);
    assert.equal(body.status, 'ok');
    assert.equal(body.database, 'ok');
    assert.match(body.version, /^\d+\.\d+\.\d+/);
  });
});

describe('health while the database is unreachable', { skip: await skipWithout('test-database') }, () => {
  it('when the database goes away, then health is 503 degraded, and 200 again by itself when it returns', async () => {
    const database = await createTestDatabase();
    const target = new URL(database.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(database.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const server = await startTestServer({ databaseUrl: viaProxy.toString() });
    try {
      assert.equal((await request(server.url, 'GET', '/api/health')).status, 200);
      proxy.cut();
      const down = await request(server.url, 'GET', '/api/health');
      assert.equal(down.status, 503);
      assert.deepEqual({ status: down.body.status, database: down.body.database }, { status: 'degraded', database: 'unreachable' });
      // Other endpoints fail cleanly too: a problem response, not a hang or a stack trace.
      const register = await request(server.url, 'POST', '/api/auth/register', { body: { email: 'x@example.test', password: 'long enough pass' } });
      assert.ok(register.status >= 500);
      Problem.parse(register.body);
      proxy.resume();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await request(server.url, 'GET', '/api/health')).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 200);
    } finally {
      await server.close();
      await proxy.close();
      await database.drop();
    }
  });
});
