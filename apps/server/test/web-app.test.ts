import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Problem } from '@lifeos/contract';
import { startTestServer, type TestServer } from './helpers/server.ts';

const INDEX = '<!doctype html><html lang="en"><body><div id="root"></div><script src="/_expo/static/js/web/entry-abc.js" defer></script></body></html>';

const BIG_BUNDLE = `/* app */\n${Array.from({ length: 2000 }, (_, i) => `export const value${i} = ${i};`).join('\n')}`;

const page = (url: string, accept = 'text/html,application/xhtml+xml') => fetch(url, { headers: { Accept: accept } });

describe('web app at /', () => {
  let server: TestServer;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lifeos-web-'));
    mkdirSync(path.join(dir, '_expo/static/js/web'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), INDEX);
    writeFileSync(path.join(dir, '_expo/static/js/web/entry-abc.js'), 'console.log("app")');
    writeFileSync(path.join(dir, 'favicon.ico'), 'icon');
    writeFileSync(path.join(dir, '_expo/static/js/web/big-def.js'), BIG_BUNDLE);
    // The build step: brotli and gzip copies next to the files.
    execFileSync(process.execPath, [path.join(import.meta.dirname, '../../mobile/scripts/precompress.ts'), dir]);
    server = await startTestServer({ env: { WEB_DIR: dir } });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a browser opens /, then it gets the app with a same-origin content security policy', async () => {
    const res = await page(`${server.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(await res.text(), INDEX);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'self'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
  });

  it('when a deep link or a reload asks for any app route, then the same page answers (SPA fallback)', async () => {
    for (const route of ['/memories', '/settings/devices', '/login?next=%2Fcalendar']) {
      const res = await page(`${server.url}${route}`);
      assert.equal(res.status, 200, route);
      assert.equal(await res.text(), INDEX);
    }
  });

  it('when a hashed bundle is fetched, then it is cached for good; other files revalidate', async () => {
    const bundle = await fetch(`${server.url}/_expo/static/js/web/entry-abc.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('cache-control') ?? '', /immutable/);
    const icon = await fetch(`${server.url}/favicon.ico`);
    assert.equal(icon.headers.get('cache-control'), 'no-cache');
  });

  it('when a browser accepts brotli or gzip, then a bundle comes precompressed, still cached for good; others get it plain', async () => {
    const url = `${server.url}/_expo/static/js/web/big-def.js`;
    const get = (encoding: string) => fetch(url, { headers: { 'Accept-Encoding': encoding } });
    // fetch() would decode the body itself; read the raw bytes to see what travelled.
    const raw = async (res: Response) => Buffer.from(await res.arrayBuffer());

    const br = await get('gzip, deflate, br');
    assert.equal(br.status, 200);
    assert.equal(br.headers.get('content-encoding'), 'br');
    assert.match(br.headers.get('content-type') ?? '', /javascript/);
    assert.match(br.headers.get('cache-control') ?? '', /immutable/);
    assert.match(br.headers.get('vary') ?? '', /accept-encoding/i);
    const brBytes = Number(br.headers.get('content-length'));
    assert.ok(brBytes > 0 && brBytes < BIG_BUNDLE.length / 4, `brotli is small (${brBytes} bytes)`);
    await raw(br);

    const gz = await get('gzip');
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    assert.ok(Number(gz.headers.get('content-length')) < BIG_BUNDLE.length / 3);
    await raw(gz);

    const plain = await get('identity');
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(await plain.text(), BIG_BUNDLE);

    // The copies decode to the original.
    const { request } = await import('node:http');
    const body = (encoding: string) =>
      new Promise<Buffer>((resolve, reject) => {
        request(url, { headers: { 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        })
          .on('error', reject)
          .end();
      });
    assert.equal(brotliDecompressSync(await body('br')).toString(), BIG_BUNDLE);
    assert.equal(gunzipSync(await body('gzip')).toString(), BIG_BUNDLE);
  });

  it('when /api is asked for something unknown, then the API answers with a problem, never the page', async () => {
    for (const url of [`${server.url}/api/nope`, `${server.url}/api`]) {
      const res = await page(url);
      assert.equal(res.status, 404, url);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      Problem.parse(await res.json());
    }
    const health = await page(`${server.url}/api/health`);
    assert.equal(health.status, 200);
  });

  it('when a client that wants JSON, or a non-GET request, misses a route, then it gets a problem', async () => {
    const json = await page(`${server.url}/nope`, 'application/json');
    assert.equal(json.status, 404);
    Problem.parse(await json.json());
    const post = await fetch(`${server.url}/memories`, { method: 'POST', headers: { Accept: 'text/html' } });
    assert.equal(post.status, 404);
  });
});

describe('web app not built', () => {
  it('when the build is missing, then pages explain how to build it and the API still works', async () => {
    const server = await startTestServer({ env: { WEB_DIR: path.join(tmpdir(), 'lifeos-no-such-build') } });
    try {
      const res = await page(`${server.url}/`);
      assert.equal(res.status, 503);
      assert.match(await res.text(), /npm run build:web/);
      assert.equal((await fetch(`${server.url}/api/health`)).status, 200);
    } finally {
      await server.close();
    }
  });
});
