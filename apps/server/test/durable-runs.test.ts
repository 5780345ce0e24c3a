// Durable replies: the run of a user message is recorded with the message, leased to
// the instance running it, and taken over by another instance (or the same one after
// a restart) when that instance dies. Real server processes (main.ts), killed with
// SIGKILL mid-run; a scripted OpenAI-compatible server plays the model, and its first
// answer never comes, so the run is still going when the instance dies. The same for
// the work queued with what it belongs to: memory extraction and pushes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeExpo, type FakeExpo } from './helpers/fake-expo.ts';
import { as, registerUser } from './helpers/http.ts';
import { sharedSecrets, spawnServer, type ServerProcess } from './helpers/process.ts';
import { startTogether } from './helpers/fixtures.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from './helpers/scripted-llm-server.ts';
import { createTestDatabase } from './helpers/server.ts';
import { created, openSse, type SseEvent } from './helpers/sse.ts';
import { skipWithout } from './helpers/system-servers.ts';

const skipPostgres = await skipWithout('test-database');

/** A lapsed lease is taken over within this (the lease, then at most one scan). */
const LEASE_MS = 1_500;
const REPLY = 'Pasta with the tomatoes you bought.';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const replies = (events: SseEvent[]) => created(events).filter((e) => e.data.role === 'assistant');
const llmEnv = (llm: ScriptedLlmServer) => ({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'scripted-model', LLM_API_KEY: 'sk-scripted' });

/** Posts on `url` and gives up silently: the instance is killed before it can answer. */
function postDoomed(url: string, token: string, body: object): void {
  as(url, token)
    .post('/api/messages', body)
    .catch(() => undefined);
}

describe('a reply whose server process is killed mid-run (two processes on one PostgreSQL)', { skip: skipPostgres }, () => {
  let llm: ScriptedLlmServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: ServerProcess;
  let b: ServerProcess;
  let env: Record<string, string>;
  before(async () => {
    llm = await startScriptedLlmServer({ whenExhausted: { type: 'text', text: REPLY } });
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url, RATE_LIMIT_REGISTER: '100000', AGENT_RUN_LEASE_MS: String(LEASE_MS), ...llmEnv(llm), ...sharedSecrets() };
    [a, b] = await startTogether([spawnServer(env), spawnServer(env)]);
  });
  after(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop()]);
    await database?.drop();
    await llm?.close();
  });

  it('when instance A is killed (SIGKILL) while the model is writing the reply, then instance B takes the run over and the reply reaches the stream exactly once, within seconds', async () => {
    const user = await registerUser(b.url);
    const stream = await openSse(b.url, user.accessToken);
    try {
      llm.setScript([{ type: 'hang' }]);
      const clientId = randomUUID();
      const asked = llm.chatRequests().length;
      postDoomed(a.url, user.accessToken, { content: 'what should I cook tonight?', clientId });
      await until('the run on A to reach the model', () => (llm.chatRequests().length > asked ? true : undefined));
      const message = (await until('the message on the stream', () => created(stream.events).find((e) => e.data.role === 'user')))!.data;
      a.child.kill('SIGKILL');
      const killedAt = Date.now();

      const [reply] = await stream.waitFor((events) => replies(events).length >= 1, 15_000).then(replies);
      const tookMs = Date.now() - killedAt;
      assert.ok(tookMs < LEASE_MS + 5_000, `the reply came ${tookMs} ms after the kill`);
      assert.equal(reply!.data.content, REPLY);
      assert.equal(reply!.data.metadata.replyTo, message.id);

      // Exactly once: no second reply on the stream or in the history, however long one waits.
      await sleep(LEASE_MS * 2);
      assert.equal(replies(stream.events).length, 1);
      const history = (await as(b.url, user.accessToken).get('/api/messages')).body.messages as { id: string; role: string }[];
      assert.deepEqual(
        history.map((m) => m.role),
        ['assistant', 'user'],
      );
      // The phone's retry of the lost request gets the same pair, and the agent does not run again.
      const before = llm.chatRequests().length;
      const retry = await as(b.url, user.accessToken).post('/api/messages', { content: 'what should I cook tonight?', clientId });
      assert.equal(retry.status, 200);
      assert.equal(retry.body.message.id, message.id);
      assert.equal(retry.body.reply.id, reply!.id);
      assert.equal(llm.chatRequests().length, before);
    } finally {
      stream.close();
    }
  });

  it('when the run dies with its instance and the user opted in to memory extraction, then the fact is still extracted, once the reply is stored by the instance that took over', async () => {
    // A new instance A in place of the one the first test killed.
    a = await spawnServer(env);
    const user = await registerUser(b.url);
    const api = as(b.url, user.accessToken);
    assert.equal((await api.patch('/api/auth/me', { settings: { memoryExtraction: true } })).status, 200);
    llm.setScript([{ type: 'hang' }]);
    const asked = llm.chatRequests().length;
    postDoomed(a.url, user.accessToken, { content: 'I moved to Leipzig last week' });
    await until('the run on A to reach the model', () => (llm.chatRequests().length > asked ? true : undefined));
    a.child.kill('SIGKILL');
    // B's turn: the reply, then the extraction (a remember call, then done).
    llm.setScript([
      { type: 'text', text: 'Congratulations on the move!' },
      { type: 'tool', calls: [{ name: 'remember', args: { fact: 'I live in Leipzig' } }] },
      { type: 'text', text: 'done' },
    ]);
    const memories = await until('the extracted memory', async () => {
      const found = (await api.get('/api/memories')).body.memories as { content: string; sourceMessageId: string }[];
      return found.length ? found : undefined;
    });
    assert.deepEqual(
      memories.map((m) => m.content),
      ['I live in Leipzig'],
    );
    const history = (await api.get('/api/messages')).body.messages as { id: string; role: string; content: string }[];
    assert.deepEqual(
      history.map((m) => [m.role, m.content]),
      [
        ['assistant', 'Congratulations on the move!'],
        ['user', 'I moved to Leipzig last week'],
      ],
    );
    assert.equal(memories[0]!.sourceMessageId, history[1]!.id);
  });
});

describe('a reply whose embedded-database server is killed mid-run and started again on the same DATA_DIR', () => {
  let llm: ScriptedLlmServer;
  let dataDir: string;
  let server: ServerProcess | undefined;
  const secrets = sharedSecrets();
  before(async () => {
    llm = await startScriptedLlmServer({ whenExhausted: { type: 'text', text: REPLY } });
    dataDir = mkdtempSync(path.join(tmpdir(), 'lifeos-durable-'));
  });
  after(async () => {
    await server?.stop();
    await llm?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the process is killed (SIGKILL) mid-run, then the restarted process writes the reply once and a reconnecting stream receives it', async () => {
    const env = { DATA_DIR: path.join(dataDir, 'data'), AGENT_RUN_LEASE_MS: String(LEASE_MS), ...llmEnv(llm), ...secrets };
    server = await spawnServer(env, { startTimeoutMs: 120_000 });
    const user = await registerUser(server.url);
    llm.setScript([{ type: 'hang' }]);
    const asked = llm.chatRequests().length;
    postDoomed(server.url, user.accessToken, { content: 'what should I cook tonight?' });
    await until('the run to reach the model', () => (llm.chatRequests().length > asked ? true : undefined));
    const [message] = (await as(server.url, user.accessToken).get('/api/messages')).body.messages as { id: string }[];
    assert.ok(message);
    await server.stop('SIGKILL');

    server = await spawnServer(env, { startTimeoutMs: 120_000 });
    const stream = await openSse(server.url, user.accessToken, { lastEventId: message.id });
    try {
      const [reply] = await stream.waitFor((events) => replies(events).length >= 1, 15_000).then(replies);
      assert.equal(reply!.data.content, REPLY);
      assert.equal(reply!.data.metadata.replyTo, message.id);
      await sleep(LEASE_MS * 2);
      assert.equal(replies(stream.events).length, 1);
      const history = (await as(server.url, user.accessToken).get('/api/messages')).body.messages as { role: string }[];
      assert.deepEqual(
        history.map((m) => m.role),
        ['assistant', 'user'],
      );
    } finally {
      stream.close();
    }
  });
});

describe('a reminder whose push is under way when its server process is killed (PostgreSQL)', { skip: skipPostgres }, () => {
  let expo: FakeExpo;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: ServerProcess | undefined;
  let b: ServerProcess | undefined;
  before(async () => {
    expo = await startFakeExpo();
    database = await createTestDatabase();
  });
  after(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop()]);
    await database?.drop();
    await expo?.close();
  });

  it('when the instance that stored the reminder and queued its push dies before the push went out, then another instance sends it, once', async () => {
    const env = { DATABASE_URL: database.url, EXPO_PUSH_URL: expo.url, ALLOW_PRIVATE_HOSTS: 'true', RATE_LIMIT_REGISTER: '100000', ...sharedSecrets() };
    a = await spawnServer(env);
    const user = await registerUser(a.url);
    const api = as(a.url, user.accessToken);
    const token = `ExponentPushToken[durable-${Date.now()}]`;
    assert.equal((await api.post('/api/push/subscriptions', { kind: 'expo', token })).status, 201);
    // Expo is down when the reminder falls due: A stores the message and its push, and the push fails for now.
    expo.unavailable = true;
    assert.equal((await api.post('/api/reminders', { text: 'Water the plants', dueAt: new Date(Date.now() + 1_500).toISOString() })).status, 201);
    await until('the first push attempt', () => (expo.refused > 0 ? true : undefined));
    // Long enough for A to record the failed attempt (the job waits for its retry), then A dies.
    await sleep(1_000);
    a.child.kill('SIGKILL');
    expo.unavailable = false;

    b = await spawnServer(env);
    const pushes = await until('the push from instance B', () => {
      const mine = expo.sent.filter((m) => m.to === token);
      return mine.length ? mine : undefined;
    }, 30_000);
    assert.match(String(pushes[0]!.body), /Water the plants/);
    await sleep(3_000);
    assert.equal(expo.sent.filter((m) => m.to === token).length, 1);
    const history = (await as(b.url, user.accessToken).get('/api/messages')).body.messages as { content: string }[];
    assert.equal(history.filter((m) => /Water the plants/.test(m.content)).length, 1);
  });
});
