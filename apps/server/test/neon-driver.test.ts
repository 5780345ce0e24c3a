import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app.ts';
import { boot, type Booted } from '../src/bootstrap.ts';
import { createLogger } from '../src/lib/logger.ts';
import type { AddressInfo } from 'node:net';
import { as, registerUser } from './helpers/http.ts';
import { createTestDatabase, testConfig } from './helpers/server.ts';
import { skipWithout } from './helpers/system-servers.ts';
import { startWsToTcpProxy } from './helpers/tcp-proxy.ts';

// The Neon serverless driver speaks PostgreSQL over WebSockets; a local
// WebSocket-to-TCP bridge in front of the real PostgreSQL stands in for Neon's edge.
describe('the Neon serverless driver', { skip: await skipWithout('test-database') }, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: Awaited<ReturnType<typeof startWsToTcpProxy>>;
  let booted: Booted;
  let url: string;
  let close: () => Promise<void>;

  before(async () => {
    database = await createTestDatabase();
    const target = new URL(database.url);
    proxy = await startWsToTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const config = testConfig({ DATABASE_URL: database.url, DATABASE_DRIVER: 'neon' });
    booted = await boot(config, { neonWsProxy: proxy.url, log: createLogger('silent') });
    const server = createApp(booted.ctx).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await booted.close();
    };
  });
  after(async () => {
    await close?.();
    await proxy?.close();
    await database?.drop();
  });

  it('when the server runs on the Neon driver, then migrations, auth and messages work end to end', async () => {
    assert.equal(booted.ctx.database.driver, 'neon');
    const health = await fetch(`${url}/api/health`);
    assert.equal(health.status, 200);
    const user = await registerUser(url);
    const api = as(url, user.accessToken);
    assert.equal((await api.post('/api/messages', { content: 'hello over websockets' })).status, 201);
    const page = await api.get('/api/messages');
    assert.equal(page.body.messages.length, 2);
  });
});
