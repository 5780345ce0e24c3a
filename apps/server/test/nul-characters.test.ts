// A U+0000 anywhere in a request (body, query, path, a JSON key) is a 400
// validation_failed naming where it was, on every route: PostgreSQL text cannot
// store it, and it used to surface as a 500.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { as, registerUser, request, uniqueEmail } from './helpers/http.ts';
import { exampleOf, fillPath, loadOperations, type Schema } from './helpers/openapi.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const NUL = '\u0000';
let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

function assertRefused(res: { status: number; body: any }, path: string, what: string) {
  assert.equal(res.status, 400, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.code, 'validation_failed', what);
  assert.deepEqual(res.body.errors?.map((e: { path: string }) => e.path), [path], what);
}

describe('NUL characters in requests', () => {
  it('when a text field holds U+0000, then each route answers 400 naming the field', async () => {
    assertRefused(await request(server.url, 'POST', '/api/auth/register', { body: { email: `a${NUL}${uniqueEmail()}`, password: 'a sturdy passphrase 42' } }), 'email', 'register email');
    assertRefused(await request(server.url, 'POST', '/api/auth/register', { body: { email: uniqueEmail(), password: 'a sturdy passphrase 42', username: `bob${NUL}` } }), 'username', 'register username');
    assertRefused(await request(server.url, 'POST', '/api/auth/login', { body: { email: `x${NUL}@example.test`, password: 'whatever it is' } }), 'email', 'login email');

    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    assertRefused(await api.patch('/api/auth/me', { username: `al${NUL}ice` }), 'username', 'profile');
    assertRefused(await api.post('/api/messages', { content: `hello ${NUL} there` }), 'content', 'message');
    assertRefused(await api.post('/api/memories', { content: `my PIN ${NUL}` }), 'content', 'memory');
    assertRefused(await api.post('/api/calendar/events', { title: `Dent${NUL}ist`, start: '2026-12-03T09:00:00.000Z' }), 'title', 'event title');
    assertRefused(await api.get('/api/memories?q=%00'), 'query.q', 'memory search');
    assertRefused(await api.get('/api/messages?q=hello%00'), 'query.q', 'message search');
    assertRefused(await api.get('/api/calendar/events?from=%00'), 'query.from', 'calendar range');
    assertRefused(await api.delete('/api/memories/%00'), 'params.id', 'path parameter');
    assertRefused(
      await request(server.url, 'POST', '/api/memories', { token: user.accessToken, raw: '{"content":"ok","x\\u0000":1}', headers: { 'content-type': 'application/json' } }),
      'x\\u0000',
      'a JSON key',
    );

    const me = await api.get('/api/auth/me');
    assert.equal(me.body.user.username, user.user.username, 'nothing was changed');
    assert.deepEqual((await api.get('/api/memories')).body.memories, [], 'nothing was stored');
  });

  it('when every documented route gets U+0000 in each string it takes, then each answers 400 validation_failed, never a 5xx', async () => {
    const { operations, resolve } = await loadOperations(server.url);
    const user = await registerUser(server.url);
    const seen: string[] = [];
    /** The example body with U+0000 added to its first string, and that string's path. */
    const poisoned = (value: unknown, path: string[] = []): { value: unknown; path: string[] } | undefined => {
      if (typeof value === 'string') return { value: `${value}${NUL}`, path };
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [key, item] of Object.entries(value)) {
          const found = poisoned(item, [...path, key]);
          if (found) return { value: { ...value, [key]: found.value }, path: found.path };
        }
      }
      return undefined;
    };
    for (const op of operations) {
      const pathParams = op.params.filter((p) => p.in === 'path');
      const queryStrings = op.params.filter((p) => p.in === 'query' && resolve(p.schema).type === 'string');
      const example = op.body ? exampleOf(op.body as Schema, resolve) : undefined;
      const body = poisoned(example);
      const cases: Array<{ path: string; body?: unknown; field: string }> = [];
      if (body) cases.push({ path: fillPath(op.path, {}), body: body.value, field: body.path.join('.') });
      for (const q of queryStrings) cases.push({ path: `${fillPath(op.path, {})}?${q.name}=%00`, body: example, field: `query.${q.name}` });
      for (const p of pathParams) cases.push({ path: fillPath(op.path, { [p.name]: NUL }), body: example, field: `params.${p.name}` });
      for (const c of cases) {
        const res = await request(server.url, op.method, c.path, { token: user.accessToken, body: c.body });
        const what = `${op.method} ${c.path} (${c.field})`;
        assert.ok(res.status < 500, `${what}: ${res.status}`);
        assert.equal(res.status, 400, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
        assert.equal(res.body.code, 'validation_failed', what);
        seen.push(what);
      }
    }
    assert.ok(seen.length >= 20, `routes covered: ${seen.length}`);
    console.log(`# ${seen.length} requests with U+0000 over ${operations.length} operations`);
  });
});
