// PostgreSQL restarted under write load, for real: a cluster of the test's own
// is stopped and started while clients keep sending messages to a server process.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { as, registerUser, request } from './helpers/http.ts';
import { startPgCluster, type PgCluster } from './helpers/pg-cluster.ts';
import { sharedSecrets, spawnServer, type ServerProcess } from './helpers/process.ts';
import { skipWithout } from './helpers/system-servers.ts';

const skip = await skipWithout('test-database', 'postgresql');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL restarted under write load', { skip }, () => {
  let cluster: PgCluster;
  let server: ServerProcess;
  before(async () => {
    cluster = await startPgCluster();
    server = await spawnServer({ DATABASE_URL: cluster.url, ...sharedSecrets(), DATABASE_POOL_SIZE: '5', RATE_LIMIT_API: '1000000' });
  });
  after(async () => {
    await server?.stop();
    cluster?.destroy();
  });

  it('when the database stops and starts while messages are sent, then every 201 is stored, health is 503 while down and 200 within 5 s after, and the server stays up', async () => {
    const user = await registerUser(server.url);
    const client = as(server.url, user.accessToken);
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    const dropped: string[] = [];
    let writing = true;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let n = 0; writing; n++) {
        try {
          const res = await client.post('/api/messages', { content: `writer ${w} message ${n}`, clientId: randomUUID() });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 201) acknowledged.push(res.body.message.id, res.body.reply.id);
          else if (res.headers.get('content-type')?.startsWith('application/problem+json') !== true) dropped.push(`${res.status} without a problem body`);
        } catch (err) {
          dropped.push((err as Error).message);
        }
        if (!writing) break;
        await sleep(5);
      }
    });

    await sleep(1_000);
    const before = acknowledged.length;
    cluster.stop();
    let down = 0;
    for (let i = 0; i < 50 && down === 0; i++) {
      if ((await request(server.url, 'GET', '/api/health')).status === 503) down++;
      else await sleep(100);
    }
    await sleep(1_000);
    const whileDown = await request(server.url, 'GET', '/api/health');
    cluster.start();
    const upAt = Date.now();
    let healthy = false;
    while (!healthy && Date.now() - upAt < 5_000) {
      healthy = (await request(server.url, 'GET', '/api/health')).status === 200;
      if (!healthy) await sleep(100);
    }
    const recoveredMs = Date.now() - upAt;
    const afterRecovery = acknowledged.length;
    await sleep(1_500);
    writing = false;
    await Promise.all(writers);

    assert.ok(down > 0 && whileDown.status === 503, 'health is 503 while the database is down');
    assert.equal(whileDown.body.database, 'unreachable');
    assert.ok(healthy, `healthy again within 5 s (took ${recoveredMs} ms)`);
    assert.ok(before > 0, 'messages were acknowledged before the outage');
    assert.ok(acknowledged.length > afterRecovery, 'messages are acknowledged again after it');
    assert.equal(server.child.exitCode, null, 'the server never exited');

    const db = new pg.Client({ connectionString: cluster.url });
    await db.connect();
    try {
      const { rows } = await db.query('select id from messages where id = any($1::uuid[])', [acknowledged]);
      assert.equal(rows.length, acknowledged.length, 'every acknowledged message is in the database');
    } finally {
      await db.end();
    }
    assert.deepEqual(dropped, [], 'every request got an answer (a problem response while the database was down)');
    for (const status of statuses.keys()) assert.ok([201, 503].includes(status), `status ${status}: ${JSON.stringify([...statuses])}`);
  });
});
