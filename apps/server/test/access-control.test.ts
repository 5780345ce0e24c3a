// Cross-user access on every resource route, enumerated from the OpenAPI
// document: user A presents user B's ids (of every kind) and gets exactly
// what a missing resource gets, 404 not_found; B's things are untouched.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { insertPendingAction } from '../src/features/actions/actions.repo.ts';
import { as, registerUser, request } from './helpers/http.ts';
import { exampleOf, fillPath, loadOperations, type Operation, type Schema } from './helpers/openapi.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const isUuidParam = (p: Operation['params'][number]) => p.in === 'path' && p.schema.format === 'uuid';

describe('cross-user access on every resource route', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("when user A uses any of user B's ids on any route with an id, then the answer is 404 not_found and B's data is unchanged", async () => {
    const { operations, resolve } = await loadOperations(server.url);
    const a = await registerUser(server.url);
    const b = await registerUser(server.url);
    const bLaptop = (await request(server.url, 'POST', '/api/auth/login', { body: { email: b.user.email, password: b.password } })).body;
    const asB = as(server.url, b.accessToken);
    const idsOfB = new Map<string, string>();

    // Kinds without a public way to create them here: a second session, a pending action, a connection, messages.
    const sessions = (await asB.get('/api/auth/sessions')).body.sessions as { id: string; current: boolean }[];
    idsOfB.set('session', sessions.find((s) => !s.current)!.id);
    const action = await insertPendingAction(server.ctx.db, {
      userId: b.user.id,
      agentName: '@mail',
      kind: 'mail.send',
      summary: 'Send a test mail',
      payload: {},
      expiresAt: new Date(Date.now() + 600_000),
    });
    idsOfB.set('action', action.id);
    const connectionId = randomUUID();
    await server.ctx.db.execute(sql`insert into connections (id, user_id, provider, account) values (${connectionId}, ${b.user.id}, 'imap', 'b@example.test')`);
    idsOfB.set('connection', connectionId);
    // An MCP server is stored only after LifeOS reached it; here B's row is written directly.
    const mcpServerId = randomUUID();
    await server.ctx.db.execute(sql`insert into mcp_servers (id, user_id, name, slug, url) values (${mcpServerId}, ${b.user.id}, 'Weather', 'weather', 'https://mcp.example.com/mcp')`);
    idsOfB.set('/api/mcp/servers', mcpServerId);
    const pair = (await asB.post('/api/messages', { content: 'a message of B' })).body;
    idsOfB.set('message', pair.message.id);
    idsOfB.set('reply', pair.reply.id);

    // Any collection that can be posted to (calendar events, memories, ...): one item of B each.
    const created: { collection: string; id: string }[] = [];
    const resourcePaths = operations.filter((op) => op.params.some(isUuidParam)).map((op) => op.path);
    for (const op of operations) {
      if (op.method !== 'POST' || !op.auth || !resourcePaths.some((p) => p.startsWith(`${op.path}/{`))) continue;
      if (op.path === '/api/mcp/servers') continue; // connects to the server first (above)
      const res = await asB.post(op.path, op.body ? exampleOf(op.body, resolve) : undefined);
      assert.equal(res.status, 201, `creating an item through POST ${op.path}: ${JSON.stringify(res.body)}`);
      const item = Object.values(res.body as Record<string, { id?: string }>).find((v) => v && typeof v === 'object' && 'id' in v);
      assert.ok(item?.id, `POST ${op.path} answers with an item that has an id`);
      idsOfB.set(op.path, item.id);
      created.push({ collection: op.path, id: item.id });
    }

    const targets = operations.filter((op) => op.auth && op.params.some(isUuidParam));
    assert.ok(targets.length >= 4, `resource routes found: ${targets.map((t) => `${t.method} ${t.path}`).join(', ')}`);
    const ids = [...idsOfB.values(), randomUUID()];
    let checked = 0;
    for (const op of targets) {
      const body = op.body ? exampleOf(op.body, resolve) : undefined;
      for (const id of ids) {
        const values = Object.fromEntries(op.params.filter((p) => p.in === 'path').map((p) => [p.name, isUuidParam(p) ? id : String(exampleOf(p.schema as Schema, resolve))]));
        const res = await request(server.url, op.method, fillPath(op.path, values), { token: a.accessToken, ...(body !== undefined ? { body } : {}) });
        assert.equal(res.status, 404, `${op.method} ${op.path} with B's ${id}: ${res.status} ${JSON.stringify(res.body)}`);
        assert.equal(res.body.code, 'not_found');
        checked++;
      }
    }
    assert.ok(checked >= targets.length * ids.length);

    // B's things are as they were.
    assert.equal((await as(server.url, bLaptop.accessToken).get('/api/auth/me')).status, 200, "B's other session still works");
    const status = (await server.ctx.db.execute(sql`select status from pending_actions where id = ${action.id}`)) as unknown as { rows: { status: string }[] };
    assert.equal(status.rows[0]?.status, 'pending');
    assert.ok(((await asB.get('/api/connections')).body.connections as { id: string }[]).some((c) => c.id === connectionId));
    for (const { collection, id } of created) {
      assert.match(JSON.stringify((await asB.get(collection)).body), new RegExp(id), `B still has ${collection} ${id}`);
    }
  });
});
