// LifeOS as an MCP server, driven by the official SDK's client over real HTTP:
// initialize, tools listed from the agents' own definitions, calendar and
// memory calls, a confirmation round trip that shows up in the chat, and the
// 401 challenge that points clients at the protected-resource metadata.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import path from 'node:path';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { created, openSse } from './helpers/sse.ts';

async function connect(server: TestServer, token: string): Promise<Client> {
  const client = new Client({ name: 'lifeos-test-client', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

const text = (result: { content?: unknown }) =>
  ((result.content as { type: string; text?: string }[] | undefined) ?? []).map((c) => c.text ?? '').join('\n');

describe('MCP server (Streamable HTTP, stateless)', () => {
  let server: TestServer;
  let user: Awaited<ReturnType<typeof registerUser>>;
  let client: Client;

  before(async () => {
    server = await startTestServer({ now: new Date('2026-12-01T09:00:00Z') });
    user = await registerUser(server.url, { timezone: 'Europe/Berlin' });
    client = await connect(server, user.accessToken);
  });
  after(async () => {
    await client?.close();
    await server?.close();
  });

  it('when a client initializes, then the server names itself and offers tools', () => {
    assert.equal(client.getServerVersion()?.name, 'lifeos');
    assert.ok(client.getServerCapabilities()?.tools);
  });

  it('when tools are listed, then every agent tool appears with its prefix and a JSON Schema from its zod input', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const name of ['cal_list_events', 'cal_create_event', 'mem_remember', 'mem_search_memories', 'mail_list_mail']) {
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    }
    assert.ok(names.every((n) => /^(cal|mem|mail)_/.test(n)));
    const create = tools.find((t) => t.name === 'cal_create_event')!;
    assert.equal(create.inputSchema.type, 'object');
    assert.ok(Object.keys(create.inputSchema.properties ?? {}).length > 0);
    assert.equal(tools.find((t) => t.name === 'cal_list_events')!.annotations?.readOnlyHint, true);
    assert.equal(tools.find((t) => t.name === 'cal_delete_event')!.annotations?.destructiveHint, true);
  });

  it('when a memory is stored and searched over MCP, then the chat API sees the same memory', async () => {
    const stored = await client.callTool({ name: 'mem_remember', arguments: { fact: 'my locker code is 4711' } });
    assert.notEqual(stored.isError, true, text(stored));
    const found = await client.callTool({ name: 'mem_search_memories', arguments: { query: 'locker code' } });
    assert.notEqual(found.isError, true, text(found));
    assert.match(text(found), /4711/);
    assert.ok(found.structuredContent && typeof found.structuredContent === 'object');
    const { body } = await as(server.url, user.accessToken).get('/api/memories');
    assert.ok(body.memories.some((m: { content: string }) => m.content.includes('4711')));
  });

  it('when an event is created and the calendar queried over MCP, then it is in the agenda', async () => {
    const createdEvent = await client.callTool({
      name: 'cal_create_event',
      arguments: { title: 'Dentist', start: '2026-12-03T10:00:00+01:00', end: '2026-12-03T11:00:00+01:00' },
    });
    assert.notEqual(createdEvent.isError, true, text(createdEvent));
    const listed = await client.callTool({
      name: 'cal_list_events',
      arguments: { from: '2026-12-01T00:00:00Z', to: '2026-12-08T00:00:00Z' },
    });
    assert.notEqual(listed.isError, true, text(listed));
    assert.match(text(listed), /Dentist/);
    const { body } = await as(server.url, user.accessToken).get('/api/calendar/events?from=2026-12-01T00:00:00Z&to=2026-12-08T00:00:00Z');
    assert.deepEqual(body.events.map((e: { title: string }) => e.title), ['Dentist']);
  });

  it('when a tool needs a confirmation, then it waits, a card reaches every device, and only the confirm in LifeOS runs it', async () => {
    const { body: list } = await as(server.url, user.accessToken).get('/api/calendar/events?from=2026-12-01T00:00:00Z&to=2026-12-08T00:00:00Z');
    const event = list.events[0];
    const stream = await openSse(server.url, user.accessToken);
    try {
      const result = await client.callTool({ name: 'cal_delete_event', arguments: { id: event.id } });
      assert.notEqual(result.isError, true, text(result));
      assert.match(text(result), /confirmation/i);
      const pending = result.structuredContent as { status: string; actionId: string };
      assert.equal(pending.status, 'pending_confirmation');

      // Nothing happened yet.
      const still = await as(server.url, user.accessToken).get('/api/calendar/events?from=2026-12-01T00:00:00Z&to=2026-12-08T00:00:00Z');
      assert.equal(still.body.events.length, 1);

      // The card is in the chat, on every open device.
      await stream.waitFor((events) => created(events).some((e) => (e.data as { metadata?: { pendingAction?: { id: string } } }).metadata?.pendingAction?.id === pending.actionId));

      const confirm = await request(server.url, 'POST', `/api/actions/${pending.actionId}/confirm`, { token: user.accessToken });
      assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
      const again = await request(server.url, 'POST', `/api/actions/${pending.actionId}/confirm`, { token: user.accessToken });
      assert.equal(again.status, 409, 'exactly once');
      const gone = await as(server.url, user.accessToken).get('/api/calendar/events?from=2026-12-01T00:00:00Z&to=2026-12-08T00:00:00Z');
      assert.equal(gone.body.events.length, 0);
    } finally {
      stream.close();
    }
  });

  it("when a tool is called with another user's id, then it is not found and nothing changes", async () => {
    const other = await registerUser(server.url);
    const { body } = await as(server.url, other.accessToken).post('/api/calendar/events', {
      title: 'Their event',
      start: '2026-12-04T10:00:00Z',
    });
    const result = await client.callTool({ name: 'cal_update_event', arguments: { id: body.event.id, title: 'Hijacked' } });
    assert.equal(result.isError, true);
    const theirs = await as(server.url, other.accessToken).get('/api/calendar/events?from=2026-12-01T00:00:00Z&to=2026-12-08T00:00:00Z');
    assert.equal(theirs.body.events[0].title, 'Their event');
  });

  it('when arguments do not fit the schema, then the result is an error that says why', async () => {
    const result = await client.callTool({ name: 'cal_create_event', arguments: { title: 42 } });
    assert.equal(result.isError, true);
  });

  it('when a personal access token carries some scopes, then only their tools are listed and callable', async () => {
    const created = await as(server.url, user.accessToken).post('/api/auth/tokens', { name: 'Editor agent', scopes: ['mem.read'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const scoped = await connect(server, created.body.token);
    try {
      const names = (await scoped.listTools()).tools.map((t) => t.name);
      assert.deepEqual(names.filter((n) => !n.startsWith('mem_')), [], names.join(', '));
      assert.ok(names.includes('mem_search_memories') && !names.includes('mem_remember'), names.join(', '));
      const found = await scoped.callTool({ name: 'mem_search_memories', arguments: { query: 'locker code' } });
      assert.match(text(found), /4711/);
      const refused = await scoped.callTool({ name: 'mem_remember', arguments: { fact: 'not allowed' } }).catch((err: Error) => ({ isError: true, content: [{ type: 'text', text: err.message }] }));
      assert.equal(refused.isError, true);
    } finally {
      await scoped.close();
    }
  });

  it('when no token is sent, then 401 with a WWW-Authenticate pointing at the protected-resource metadata', async () => {
    const res = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(res.status, 401);
    const header = res.headers.get('www-authenticate') ?? '';
    assert.match(header, /^Bearer /);
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(header)?.[1];
    assert.ok(metadataUrl?.endsWith('/.well-known/oauth-protected-resource'), header);
    const metadata = (await (await fetch(metadataUrl!)).json()) as { resource: string; authorization_servers: string[]; scopes_supported: string[] };
    assert.equal(metadata.resource, `${new URL(metadataUrl!).origin}/mcp`);
    assert.ok(Array.isArray(metadata.authorization_servers) && metadata.authorization_servers.length === 1);
    assert.ok(metadata.scopes_supported.includes('cal.read'));
  });

  it('when a revoked token is used, then 401', async () => {
    const second = await request(server.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: user.password, deviceName: 'mcp' } });
    await request(server.url, 'POST', '/api/auth/logout', { token: second.body.accessToken, body: { refreshToken: second.body.refreshToken } });
    const res = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${second.body.accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(res.status, 401);
  });

  it('when GET opens a stream on the stateless endpoint, then 405', async () => {
    const res = await fetch(`${server.url}/mcp`, { headers: { authorization: `Bearer ${user.accessToken}`, accept: 'text/event-stream' } });
    assert.equal(res.status, 405);
  });
});

describe('MCP confirmations asked through the client (elicitation)', () => {
  let server: TestServer;
  let user: Awaited<ReturnType<typeof registerUser>>;
  const range = '/api/calendar/events?from=2026-12-01T00:00:00Z&to=2026-12-08T00:00:00Z';

  /** A 2026-07-28 client (no `initialize`) that shows forms; `answer` plays its user. */
  async function elicitingClient(answer: (message: string) => Promise<{ action: 'accept' | 'decline' | 'cancel'; content?: Record<string, boolean> }>) {
    const client = new Client({ name: 'eliciting-client', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } });
    const asked: string[] = [];
    client.setRequestHandler('elicitation/create', async (req) => {
      const message = (req.params as { message: string }).message;
      asked.push(message);
      return answer(message);
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${user.accessToken}` } } }));
    return { client, asked };
  }

  async function newEvent(title: string): Promise<string> {
    const { body } = await as(server.url, user.accessToken).post('/api/calendar/events', { title, start: '2026-12-03T10:00:00Z', end: '2026-12-03T11:00:00Z' });
    return body.event.id as string;
  }
  const titles = async () => (await as(server.url, user.accessToken).get(range)).body.events.map((e: { title: string }) => e.title) as string[];
  const actionStatus = async (id: string) => {
    const { body } = await as(server.url, user.accessToken).get('/api/messages?limit=50');
    const cards = (body.messages as { metadata?: { pendingAction?: { id: string; status: string } } }[]).filter((m) => m.metadata?.pendingAction?.id === id);
    return cards.map((m) => m.metadata!.pendingAction!.status);
  };

  before(async () => {
    server = await startTestServer({ now: new Date('2026-12-01T09:00:00Z') });
    user = await registerUser(server.url, { timezone: 'Europe/Berlin' });
  });
  after(async () => {
    await server?.close();
  });

  it('when the client can ask its user and they accept, then the action runs once and the result says it is done', async () => {
    const id = await newEvent('Yoga');
    const { client, asked } = await elicitingClient(async () => ({ action: 'accept', content: { confirm: true } }));
    try {
      const result = await client.callTool({ name: 'cal_delete_event', arguments: { id } });
      assert.notEqual(result.isError, true, text(result));
      assert.equal(asked.length, 1);
      assert.match(asked[0]!, /Yoga/);
      assert.equal((result.structuredContent as { status: string }).status, 'confirmed');
      assert.deepEqual(await titles(), []);
      const actionId = (result.structuredContent as { actionId: string }).actionId;
      const again = await request(server.url, 'POST', `/api/actions/${actionId}/confirm`, { token: user.accessToken });
      assert.equal(again.status, 409, 'the card in the app cannot run it a second time');
    } finally {
      await client.close();
    }
  });

  it('when the user declines in the client, then the action is cancelled and nothing changes', async () => {
    const id = await newEvent('Choir');
    const { client } = await elicitingClient(async () => ({ action: 'decline' }));
    try {
      const result = await client.callTool({ name: 'cal_delete_event', arguments: { id } });
      assert.equal((result.structuredContent as { status: string }).status, 'cancelled', text(result));
      assert.match(text(result), /nothing was done/i);
      assert.deepEqual(await titles(), ['Choir']);
      const actionId = (result.structuredContent as { actionId: string }).actionId;
      const late = await request(server.url, 'POST', `/api/actions/${actionId}/confirm`, { token: user.accessToken });
      assert.equal(late.status, 409);
    } finally {
      await client.close();
      await as(server.url, user.accessToken).delete(`/api/calendar/events/${id}`);
    }
  });

  it('when the card in the app is confirmed while the client asks, then the action runs once and the client is told it already was', async () => {
    const id = await newEvent('Dentist');
    let appStatus = 0;
    const { client } = await elicitingClient(async () => {
      // The user taps Confirm on the card in LifeOS first, then says yes in the client too.
      const { body } = await as(server.url, user.accessToken).get('/api/messages?limit=50');
      const card = (body.messages as { metadata?: { pendingAction?: { id: string; status: string } } }[]).find((m) => m.metadata?.pendingAction?.status === 'pending');
      appStatus = (await request(server.url, 'POST', `/api/actions/${card!.metadata!.pendingAction!.id}/confirm`, { token: user.accessToken })).status;
      return { action: 'accept', content: { confirm: true } };
    });
    try {
      const result = await client.callTool({ name: 'cal_delete_event', arguments: { id } });
      assert.equal(appStatus, 200);
      assert.equal(result.isError, true);
      assert.match(text(result), /already confirmed/i);
      assert.deepEqual(await titles(), []);
      const actionId = (result.structuredContent as { actionId: string }).actionId;
      assert.deepEqual(await actionStatus(actionId), ['confirmed']);
    } finally {
      await client.close();
    }
  });

  it('when the client cannot ask (no elicitation, or a 2025-era connection), then the result waits for the card in LifeOS', async () => {
    const id = await newEvent('Haircut');
    const plain = new Client({ name: 'plain', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    const legacy = new Client({ name: 'legacy', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
    legacy.setRequestHandler('elicitation/create', async () => assert.fail('a 2025-era client on the stateless server is never asked'));
    try {
      for (const client of [plain, legacy]) {
        await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${user.accessToken}` } } }));
        const result = await client.callTool({ name: 'cal_delete_event', arguments: { id } });
        assert.equal((result.structuredContent as { status: string }).status, 'pending_confirmation', text(result));
      }
      assert.deepEqual(await titles(), ['Haircut']);
    } finally {
      await plain.close();
      await legacy.close();
    }
  });

  it('when the sealed state is forged, then nothing is confirmed', async () => {
    const id = await newEvent('Forged');
    const res = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'cal_delete_event' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: {
          name: 'cal_delete_event',
          arguments: { id },
          inputResponses: { confirm: { action: 'accept', content: { confirm: true } } },
          requestState: 'forged',
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientInfo': { name: 'forger', version: '1' },
            'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
          },
        },
      }),
    });
    const body = await res.text();
    assert.match(body, /could not be matched|nothing was done/i, body);
    assert.ok((await titles()).includes('Forged'));
  });
});

describe('the stdio bridge (lifeos-mcp)', () => {
  let server: TestServer;
  let user: Awaited<ReturnType<typeof registerUser>>;
  before(async () => {
    server = await startTestServer();
    user = await registerUser(server.url);
  });
  after(async () => {
    await server?.close();
  });

  it('when a stdio client talks to the bridge, then it lists and calls the same tools over HTTP', async () => {
    const bin = path.join(import.meta.dirname, '../../../packages/mcp-bridge/bin/lifeos-mcp.mjs');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, '--url', server.url],
      env: { ...process.env, LIFEOS_TOKEN: user.accessToken } as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'mem_remember'));
      const stored = await client.callTool({ name: 'mem_remember', arguments: { fact: 'my bike is a blue Gazelle' } });
      assert.notEqual(stored.isError, true, text(stored));
      const { body } = await as(server.url, user.accessToken).get('/api/memories');
      assert.ok(body.memories.some((m: { content: string }) => m.content.includes('Gazelle')));
    } finally {
      await client.close();
    }
  });
});
