// The LLM path end to end: a real server configured with LLM_BASE_URL pointing
// at a scripted OpenAI-compatible server on 127.0.0.1, driven over real HTTP
// and the real SSE stream.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setAgentState } from '../src/features/agents/agent-state.repo.ts';
import { as, registerUser } from './helpers/http.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from './helpers/scripted-llm-server.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const API_KEY = 'sk-scripted-e2e-key';
const AGENT_TIMEOUT_MS = 3000;

interface SseEvent {
  event: string;
  id: string | undefined;
  data: any;
}

/** Opens the user's message stream and collects its events until closed. */
async function openStream(base: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/messages/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const at = line.indexOf(':');
            if (at > 0) fields[line.slice(0, at)] = line.slice(at + 1).trimStart();
          }
          if (!fields.event) continue;
          events.push({ event: fields.event, id: fields.id, data: fields.data ? JSON.parse(fields.data) : undefined });
          for (const wake of waiters.splice(0)) wake();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    events,
    async waitFor(predicate: (events: SseEvent[]) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (Date.now() > deadline) assert.fail(`stream did not deliver in time; got ${JSON.stringify(events.map((e) => e.event))}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => controller.abort(),
  };
}

describe('LLM engine over HTTP with a scripted model', () => {
  let llm: ScriptedLlmServer;
  let server: TestServer;

  before(async () => {
    llm = await startScriptedLlmServer();
    server = await startTestServer({
      env: {
        LLM_BASE_URL: llm.baseUrl,
        LLM_MODEL: 'scripted-model',
        LLM_API_KEY: API_KEY,
        AGENT_TIMEOUT_MS: String(AGENT_TIMEOUT_MS),
      },
    });
  });
  after(async () => {
    await server?.close();
    await llm?.close();
  });

  test('when the model calls a tool and then answers, then the tool runs, the reply is stored, and message.delta events stream before message.created', async () => {
    const auth = await registerUser(server.url, { username: 'Ada' });
    const api = as(server.url, auth.accessToken);
    const stream = await openStream(server.url, auth.accessToken);
    llm.requests.length = 0;
    llm.setScript([
      { type: 'tool', calls: [{ name: 'list_agents', args: {} }] },
      { type: 'text', text: 'Try @cal for your appointments. Your mailbox is not connected yet, so @mail needs a connection first.' },
    ]);

    const res = await api.post('/api/messages', { content: 'which agent should I use for my dentist appointment?' });

    assert.equal(res.status, 201);
    const { message, reply } = res.body;
    assert.equal(reply.content, 'Try @cal for your appointments. Your mailbox is not connected yet, so @mail needs a connection first.');
    assert.equal(reply.agentName, null);
    assert.equal(reply.metadata.engine, 'llm');
    assert.deepEqual(reply.metadata.toolCalls, ['list_agents']);
    assert.equal(reply.metadata.status, undefined);

    // The tool ran for this user and its result went back to the model.
    const [first, second] = llm.chatRequests();
    assert.ok(first && second);
    assert.equal(first.model, 'scripted-model');
    assert.equal(first.messages.at(-1)?.content, 'which agent should I use for my dentist appointment?');
    assert.match(String(first.messages[0]?.content), /You are LifeOS/);
    assert.match(String(first.messages[0]?.content), /Ada/);
    const toolResult = JSON.parse(String(second.messages.find((m) => m.role === 'tool')?.content));
    assert.deepEqual(
      toolResult.agents.map((a: { name: string }) => a.name),
      ['@mail', '@cal', '@mem'],
    );
    assert.ok(toolResult.agents.every((a: { status: string }) => a.status === 'ready' || a.status === 'needs_connection'));

    // Deltas for the reply id, in order, then the stored reply.
    await stream.waitFor((events) => events.some((e) => e.event === 'message.created' && e.id === reply.id));
    const deltas = stream.events.filter((e) => e.event === 'message.delta' && e.data.messageId === reply.id);
    assert.ok(deltas.length > 1, 'the reply streamed in several deltas');
    assert.equal(deltas.map((e) => e.data.delta).join(''), reply.content);
    assert.deepEqual(
      deltas.map((e) => e.data.index),
      deltas.map((_, i) => i),
    );
    const createdAt = stream.events.findIndex((e) => e.event === 'message.created' && e.id === reply.id);
    const lastDeltaAt = stream.events.lastIndexOf(deltas.at(-1)!);
    assert.ok(lastDeltaAt < createdAt, 'deltas come before message.created');
    stream.close();

    // Stored: both messages, the reply pointing at the question.
    const page = await api.get('/api/messages?limit=10');
    assert.deepEqual(
      page.body.messages.map((m: { id: string }) => m.id),
      [reply.id, message.id],
    );
    assert.equal(page.body.messages[0].metadata.replyTo, message.id);

    // No credential of the user ever reached the model.
    for (const request of llm.requests) {
      for (const secret of [auth.password, auth.accessToken, auth.refreshToken, API_KEY]) {
        assert.ok(!request.rawBody.includes(secret), 'no secret in any prompt');
      }
      assert.equal(request.headers.authorization, `Bearer ${API_KEY}`);
    }
  });

  test('when the user chats without a mention, then the general assistant answers through the model with the recent conversation', async () => {
    const auth = await registerUser(server.url);
    const api = as(server.url, auth.accessToken);
    llm.setScript([{ type: 'text', text: 'Hello! How is your day going?' }, { type: 'text', text: 'Glad to hear it.' }]);
    const hello = await api.post('/api/messages', { content: 'hi there' });
    assert.equal(hello.body.reply.content, 'Hello! How is your day going?');

    llm.requests.length = 0;
    const good = await api.post('/api/messages', { content: 'pretty good, thanks' });
    assert.equal(good.body.reply.content, 'Glad to hear it.');
    const [request] = llm.chatRequests();
    assert.deepEqual(
      request?.messages.slice(1).map((m) => [m.role, m.content]),
      [
        ['user', 'hi there'],
        ['assistant', 'Hello! How is your day going?'],
        ['user', 'pretty good, thanks'],
      ],
    );
  });

  test("when an agent runs, then its agent_state (without secrets) and only its own thread are the model's context", async () => {
    const auth = await registerUser(server.url);
    const api = as(server.url, auth.accessToken);
    llm.setScript([
      { type: 'text', text: 'general answer' },
      { type: 'text', text: 'mem answer one' },
      { type: 'text', text: 'mem answer two' },
    ]);
    await api.post('/api/messages', { content: 'something for the assistant' });
    await api.post('/api/messages', { content: '@mem remember my dentist is Dr. Weiss' });
    await setAgentState(server.ctx.db, auth.user.id, '@mem', {
      lastQuery: 'dentist',
      imapPassword: 'state-secret-91',
    });

    llm.requests.length = 0;
    const res = await api.post('/api/messages', { content: "@mem what's my dentist's name?" });
    assert.equal(res.body.reply.content, 'mem answer two');
    assert.equal(res.body.reply.agentName, '@mem');
    const [request] = llm.chatRequests();
    assert.ok(request);
    const system = String(request.messages[0]?.content);
    assert.match(system, /You are @mem/);
    assert.match(system, /"lastQuery":"dentist"/);
    assert.ok(!llm.requests.some((r) => r.rawBody.includes('state-secret-91')));
    assert.deepEqual(
      request.messages.slice(1).map((m) => m.content),
      ['@mem remember my dentist is Dr. Weiss', 'mem answer one', "what's my dentist's name?"],
    );
  });

  test('when the provider answers 500, then the user message is kept and an error reply is stored', async () => {
    const auth = await registerUser(server.url);
    const api = as(server.url, auth.accessToken);
    llm.setScript([
      { type: 'error', status: 500 },
      { type: 'error', status: 500 },
    ]);

    const res = await api.post('/api/messages', { content: 'hello?' });

    assert.equal(res.status, 201);
    assert.equal(res.body.message.content, 'hello?');
    assert.equal(res.body.reply.metadata.status, 'error');
    assert.equal(res.body.reply.metadata.error, 'model_http_error');
    assert.equal(res.body.reply.metadata.engine, 'llm');
    assert.match(res.body.reply.content, /internal error/);
    assert.ok(!res.body.reply.content.includes(llm.baseUrl));
    const page = await api.get('/api/messages');
    assert.deepEqual(
      page.body.messages.map((m: { id: string }) => m.id),
      [res.body.reply.id, res.body.message.id],
    );
  });

  test('when the provider hangs past the agent timeout, then the user message is kept and a timeout error reply is stored in time', async () => {
    const auth = await registerUser(server.url);
    const api = as(server.url, auth.accessToken);
    llm.setScript([{ type: 'hang' }]);

    const started = Date.now();
    const res = await api.post('/api/messages', { content: '@cal what is on tomorrow?' });
    const elapsed = Date.now() - started;

    assert.equal(res.status, 201);
    assert.ok(elapsed >= AGENT_TIMEOUT_MS - 100 && elapsed < AGENT_TIMEOUT_MS + 2000, `answered after ${elapsed} ms`);
    assert.equal(res.body.message.agentName, '@cal');
    assert.equal(res.body.reply.metadata.status, 'error');
    assert.equal(res.body.reply.metadata.error, 'timeout');
    const page = await api.get('/api/messages?agent=@cal');
    assert.equal(page.body.messages.length, 2);
  });
});

describe('LLM engine with an unreachable model', () => {
  let server: TestServer;

  before(async () => {
    // A privileged port no test binds (the old discard service): connections are refused.
    const port = 9;
    server = await startTestServer({
      env: { LLM_BASE_URL: `http://127.0.0.1:${port}/v1`, LLM_MODEL: 'm', AGENT_TIMEOUT_MS: String(AGENT_TIMEOUT_MS) },
    });
  });
  after(async () => {
    await server.close();
  });

  test('when nothing answers at the model address, then the built-in engine answers and the reply says so in its metadata', async () => {
    const auth = await registerUser(server.url);
    const res = await as(server.url, auth.accessToken).post('/api/messages', { content: 'what can you do?' });
    assert.equal(res.status, 201);
    assert.equal(res.body.reply.metadata.engine, 'builtin');
    assert.equal(res.body.reply.metadata.fallbackReason, 'model_unreachable');
    assert.equal(res.body.reply.metadata.status, undefined);
    assert.match(res.body.reply.content, /@mail/);
    assert.match(res.body.reply.content, /@cal/);
    assert.match(res.body.reply.content, /@mem/);
  });
});
