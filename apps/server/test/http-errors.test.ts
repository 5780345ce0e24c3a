import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Problem } from '@lifeos/contract';
import { registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

async function expectProblem(res: Promise<{ status: number; headers: Headers; body: any }>, status: number, code: string) {
  const r = await res;
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(Problem.parse(r.body).code, code);
}

describe('problem responses', () => {
  it('when the body is not JSON, then it is 400 invalid_json', async () => {
    await expectProblem(request(server.url, 'POST', '/api/auth/login', { raw: '{"email": ', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json');
  });

  it('when the content type is not JSON, then it is 415', async () => {
    await expectProblem(request(server.url, 'POST', '/api/auth/login', { raw: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
    await expectProblem(request(server.url, 'POST', '/api/auth/login', { raw: '{}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
  });

  it('when the body is larger than 1 MB, then it is 413', async () => {
    const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(1_100_000) });
    await expectProblem(request(server.url, 'POST', '/api/auth/login', { raw: big, headers: { 'content-type': 'application/json' } }), 413, 'payload_too_large');
  });

  it('when a route does not exist, then it is 404 problem+json', async () => {
    await expectProblem(request(server.url, 'GET', '/api/nothing-here'), 404, 'not_found');
    await expectProblem(request(server.url, 'DELETE', '/api/health'), 404, 'not_found');
  });

  it('when the JSON has the wrong types or is not an object, then it is 400 validation_failed', async () => {
    await expectProblem(request(server.url, 'POST', '/api/auth/login', { body: { email: ['a'], password: { x: 1 } } }), 400, 'validation_failed');
    await expectProblem(request(server.url, 'POST', '/api/auth/login', { raw: '"just a string"', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json');
    await expectProblem(request(server.url, 'POST', '/api/auth/login', { raw: 'null', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json');
  });

  it('when anything fails, then security headers are set and X-Powered-By is not', async () => {
    const res = await request(server.url, 'GET', '/api/health');
    assert.equal(res.headers.get('x-powered-by'), null);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(res.headers.get('x-request-id'));
  });

  it('when an origin is not allowed, then no CORS header is granted', async () => {
    const res = await fetch(`${server.url}/api/health`, { headers: { origin: 'https://evil.example' } });
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });
});

describe('OpenAPI and docs', () => {
  it('when /api/openapi.json is fetched, then it is OpenAPI 3.1 covering the contract’s routes', async () => {
    const res = await request(server.url, 'GET', '/api/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    for (const path of ['/api/auth/register', '/api/auth/login', '/api/auth/refresh', '/api/auth/logout', '/api/auth/me', '/api/auth/password', '/api/auth/sessions', '/api/auth/sessions/{id}', '/api/health', '/api/account/export', '/api/account', '/api/messages', '/api/messages/stream', '/api/agents', '/api/agents/{name}/chat', '/api/actions/{id}/confirm']) {
      assert.ok(res.body.paths[path], `missing ${path}`);
    }
    const register = res.body.paths['/api/auth/register'].post;
    assert.ok(register.requestBody.content['application/json'].schema);
    assert.ok(register.responses['409']);
    assert.ok(res.body.components.schemas.User);
  });

  it('when /api/docs is opened, then it is a readable HTML reference', async () => {
    const res = await fetch(`${server.url}/api/docs`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /LifeOS API reference/);
    assert.match(html, /\/api\/auth\/login/);
  });
});

describe('unexpected errors', () => {
  it('when a handler throws, then it is a 500 problem without internals', async () => {
    const user = await registerUser(server.url);
    // A database failure inside a request: drop the table the route needs.
    await server.ctx.database.db.execute('alter table agent_state rename to agent_state_gone');
    try {
      const res = await request(server.url, 'POST', '/api/messages', {
        token: user.accessToken,
        body: { content: 'hello' },
      });
      // The agent failed, but the user's message is kept and the reply explains it.
      assert.equal(res.status, 201);
      const exported = await request(server.url, 'GET', '/api/account/export', { token: user.accessToken });
      assert.equal(exported.status, 500);
      assert.equal(exported.body.code, 'internal');
      assert.doesNotMatch(JSON.stringify(exported.body), /agent_state|relation|select|\.ts/i);
    } finally {
      await server.ctx.database.db.execute('alter table agent_state_gone rename to agent_state');
    }
  });
});
