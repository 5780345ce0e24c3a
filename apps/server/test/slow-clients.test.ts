// Slowloris-style clients (headers or bodies dripped a byte at a time) and
// oversized headers, against a real server process: everyone else is still
// served promptly, and oversized headers are refused outright.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { as, registerUser } from './helpers/http.ts';
import { sharedSecrets, spawnServer, type ServerProcess } from './helpers/process.ts';

const SLOW_CLIENTS = 300;

describe('slow and oversized clients', () => {
  let server: ServerProcess;
  let dataDir: string;
  let port: number;
  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-slow-'));
    server = await spawnServer({ DATA_DIR: dataDir, ...sharedSecrets(), RATE_LIMIT_API: '100000' });
    port = Number(new URL(server.url).port);
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`when ${SLOW_CLIENTS} clients drip their headers and bodies, then other users are still answered promptly`, async () => {
    const user = await registerUser(server.url);
    const sockets: net.Socket[] = [];
    const drips: NodeJS.Timeout[] = [];
    try {
      for (let i = 0; i < SLOW_CLIENTS; i++) {
        const socket = net.connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        sockets.push(socket);
        // Half drip their request headers; half send headers and drip a declared 1 MB body.
        const start =
          i % 2 === 0
            ? 'GET /api/messages HTTP/1.1\r\nHost: x\r\n'
            : `POST /api/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${user.accessToken}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"content":"`;
        socket.write(start);
        drips.push(setInterval(() => socket.write(i % 2 === 0 ? 'X-Slow: a\r\n' : 'a'), 500));
      }
      await new Promise((r) => setTimeout(r, 500));
      const client = as(server.url, user.accessToken);
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        const res = i % 2 ? await client.get('/api/messages?limit=20') : await client.post('/api/messages', { content: `still served ${i}` });
        times.push(performance.now() - t);
        assert.ok(res.status === 200 || res.status === 201, `status ${res.status}`);
      }
      times.sort((a, b) => a - b);
      assert.ok(times.at(-1)! < 2_000, `slowest normal request took ${Math.round(times.at(-1)!)} ms`);
      assert.equal(server.child.exitCode, null);
    } finally {
      drips.forEach(clearInterval);
      sockets.forEach((s) => s.destroy());
    }
  });

  it('when a request carries oversized or too many headers, then it is refused with 431 and the next request is served', async () => {
    const response = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
      socket.write(`GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    });
    assert.match(response, /^HTTP\/1\.1 431 /);
    const many = await fetch(`${server.url}/api/health`, { headers: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`x-h${i}`, 'v'])) });
    assert.equal(many.status, 431, 'more headers than the server accepts are refused');
    assert.equal((await fetch(`${server.url}/api/health`)).status, 200);
  });
});
