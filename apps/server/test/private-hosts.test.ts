// Production's host policy over HTTP (ALLOW_PRIVATE_HOSTS=false): connection settings that
// name the server's own network, in any notation, are refused before anything is tried.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { as, registerUser } from './helpers/http.ts';

let server: TestServer;
let api: ReturnType<typeof as>;
/** Something listening on loopback that must never be reached. */
let target: http.Server;
let hits = 0;

before(async () => {
  target = http.createServer((_req, res) => {
    hits++;
    res.end();
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  server = await startTestServer({ env: { ALLOW_PRIVATE_HOSTS: 'false' } });
  api = as(server.url, (await registerUser(server.url)).accessToken);
});

after(async () => {
  await server?.close();
  await new Promise<void>((resolve) => target.close(() => resolve()));
});

const imap = (host: string) => ({
  email: 'alice@example.test',
  imapHost: host,
  imapPort: 143,
  imapSecure: false,
  smtpHost: host,
  smtpPort: 587,
  smtpSecure: false,
  username: 'alice@example.test',
  password: 'secret',
});

describe('connection settings under the production host policy', () => {
  it('when a mailbox names loopback or a private network, also as IPv4 inside IPv6, then it is a 400 naming the host', async () => {
    for (const host of ['localhost', '127.0.0.1', '10.0.0.1', '100.64.0.1', '169.254.169.254', '0.0.0.0', '[::1]', '[::]', '[::7f00:1]', '[::ffff:7f00:1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::]', '[fd00::1]', '[fe80::1]']) {
      const res = await api.post('/api/connections/imap', imap(host));
      assert.equal(res.status, 400, host);
      assert.equal(res.body.code, 'connection_failed', host);
      assert.equal(res.body.detail, `Cannot connect: ${host} is not a public address`, host);
    }
    assert.deepEqual((await api.get('/api/connections')).body, { connections: [] });
  });

  it('when a CalDAV URL names a private host in any notation, then it is a 400 and nothing is reached', async () => {
    const port = (target.address() as AddressInfo).port;
    for (const host of ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]', '[::7f00:1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::]']) {
      const res = await api.post('/api/connections/caldav', { url: `http://${host}:${port}/dav/`, username: 'u', password: 'p' });
      assert.equal(res.status, 400, host);
      assert.equal(res.body.code, 'connection_failed', host);
      assert.match(res.body.detail, /is not a public address/, host);
    }
    assert.equal(hits, 0);
  });
});
