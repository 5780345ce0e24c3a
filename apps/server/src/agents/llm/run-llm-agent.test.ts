import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as z from 'zod';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../../test/helpers/scripted-llm-server.ts';
import { AgentError } from '../types.ts';
import { LlmEngineError, describeLlmError, runLlmAgent, type LlmTool } from './run-llm-agent.ts';

type Ctx = { userId: string; mailPassword: string; calls: string[] };
const SECRET = 'imap-password-7f3a9c';
const API_KEY = 'sk-scripted-test-key';

const lookupInput = z.object({ query: z.string(), limit: z.number().int().min(1).max(10) });
const lookupTool: LlmTool<Ctx> = {
  name: 'search_notes',
  description: 'Search the user notes',
  input: lookupInput,
  async execute(raw, ctx) {
    const input = lookupInput.parse(raw);
    ctx.calls.push(`${ctx.userId}:${input.query}:${input.limit}`);
    return { items: [`note about ${input.query}`] };
  },
};

const failingTool: LlmTool<Ctx> = {
  name: 'read_mail',
  description: 'Read a mail',
  input: z.object({ id: z.string() }),
  async execute() {
    throw new Error(`IMAP login failed for password ${SECRET}`);
  },
};

function context(): Ctx {
  return { userId: 'user-1', mailPassword: SECRET, calls: [] };
}

async function expectLlmError(promise: Promise<unknown>): Promise<LlmEngineError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LlmEngineError, `expected LlmEngineError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the run to fail');
}

describe('runLlmAgent against a scripted OpenAI-compatible server', () => {
  let server: ScriptedLlmServer;
  const model = () => ({ baseUrl: server.baseUrl, apiKey: API_KEY, model: 'scripted-model' });

  before(async () => {
    server = await startScriptedLlmServer();
  });
  after(async () => {
    await server.close();
  });

  test('when the model calls a tool and then answers, then the tool runs with the parsed input, its result goes back to the model, and the reply streams in order', async () => {
    server.requests.length = 0;
    server.setScript([
      { type: 'tool', calls: [{ name: 'search_notes', args: { query: 'dentist', limit: 3 } }] },
      { type: 'text', text: 'You have a note about the dentist on Tuesday.' },
    ]);
    const ctx = context();
    const deltas: string[] = [];
    const result = await runLlmAgent({
      model: model(),
      instructions: 'You are the memory agent.',
      history: [
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'Hi! How can I help?' },
      ],
      input: 'what did I note about the dentist?',
      tools: [lookupTool, failingTool],
      toolContext: ctx,
      onDelta: (text) => deltas.push(text),
      timeoutMs: 5000,
    });

    assert.equal(result.text, 'You have a note about the dentist on Tuesday.');
    assert.deepEqual(ctx.calls, ['user-1:dentist:3']);
    assert.deepEqual(result.toolCalls, [
      { name: 'search_notes', input: { query: 'dentist', limit: 3 }, output: { items: ['note about dentist'] } },
    ]);
    assert.ok(deltas.length > 1, 'the reply arrives in several deltas');
    assert.equal(deltas.join(''), result.text);

    const [first, second] = server.chatRequests();
    assert.ok(first && second);
    assert.equal(server.chatRequests().length, 2);
    assert.equal(first.model, 'scripted-model');
    assert.equal(first.stream, true);
    assert.deepEqual(
      first.messages.map((m) => [m.role, m.content]),
      [
        ['system', 'You are the memory agent.'],
        ['user', 'hello'],
        ['assistant', 'Hi! How can I help?'],
        ['user', 'what did I note about the dentist?'],
      ],
    );
    assert.deepEqual(
      first.tools?.map((t) => t.function.name),
      ['search_notes', 'read_mail'],
    );
    const call = second.messages.find((m) => m.role === 'assistant' && m.tool_calls)?.tool_calls?.[0];
    const toolMessage = second.messages.find((m) => m.role === 'tool');
    assert.ok(call && toolMessage);
    assert.equal(toolMessage.tool_call_id, call.id);
    assert.deepEqual(JSON.parse(String(toolMessage.content)), { items: ['note about dentist'] });
    for (const request of server.requests) {
      assert.equal(request.headers.authorization, `Bearer ${API_KEY}`);
      assert.ok(!request.rawBody.includes(SECRET), 'no secret from the tool context in any prompt');
    }
  });

  test('when the provider answers HTTP 500, then the run fails as an http error after the configured retries', async () => {
    server.requests.length = 0;
    server.setScript([
      { type: 'error', status: 500 },
      { type: 'error', status: 500 },
    ]);
    const error = await expectLlmError(
      runLlmAgent({
        model: model(),
        instructions: 'x',
        history: [],
        input: 'hi',
        tools: [lookupTool],
        toolContext: context(),
        timeoutMs: 5000,
        maxRetries: 1,
      }),
    );
    assert.equal(error.kind, 'http');
    assert.equal(error.status, 500);
    assert.equal(error.streamed, false);
    assert.equal(server.chatRequests().length, 2);
    assert.equal(describeLlmError(error), 'the language model service had an internal error');
  });

  test('when the provider rejects the key with 401, then the run fails at once with a plain explanation about the key', async () => {
    server.requests.length = 0;
    server.setScript([{ type: 'error', status: 401, body: { error: { message: 'Incorrect API key' } } }]);
    const error = await expectLlmError(
      runLlmAgent({ model: model(), instructions: 'x', history: [], input: 'hi', tools: [], toolContext: context(), timeoutMs: 5000 }),
    );
    assert.equal(error.kind, 'http');
    assert.equal(error.status, 401);
    assert.equal(server.chatRequests().length, 1, '4xx other than 429 is not retried');
    assert.match(describeLlmError(error), /API key/);
  });

  test('when the provider hangs past the timeout, then the run fails as a timeout close to the limit', async () => {
    server.setScript([{ type: 'hang' }]);
    const started = performance.now();
    const error = await expectLlmError(
      runLlmAgent({ model: model(), instructions: 'x', history: [], input: 'hi', tools: [], toolContext: context(), timeoutMs: 400 }),
    );
    const elapsed = performance.now() - started;
    assert.equal(error.kind, 'timeout');
    assert.ok(elapsed >= 390 && elapsed < 1500, `stopped after ${Math.round(elapsed)} ms`);
  });

  test('when the stream stalls midway past the timeout, then the run fails as a timeout and reports that text was streamed', async () => {
    server.setScript([{ type: 'text', text: 'one two three four five six', chunkDelayMs: 150 }]);
    const deltas: string[] = [];
    const error = await expectLlmError(
      runLlmAgent({
        model: model(),
        instructions: 'x',
        history: [],
        input: 'hi',
        tools: [],
        toolContext: context(),
        onDelta: (t) => deltas.push(t),
        timeoutMs: 500,
      }),
    );
    assert.equal(error.kind, 'timeout');
    assert.equal(error.streamed, true);
    assert.ok(deltas.length >= 1);
  });

  test('when a tool hangs past the timeout, then the run still stops at the limit', async () => {
    server.setScript([{ type: 'tool', calls: [{ name: 'slow', args: {} }] }, { type: 'text', text: 'late' }]);
    const slow: LlmTool<Ctx> = {
      name: 'slow',
      description: 'never finishes',
      input: z.object({}),
      execute: () => new Promise<string>(() => {}),
    };
    const started = performance.now();
    const error = await expectLlmError(
      runLlmAgent({ model: model(), instructions: 'x', history: [], input: 'hi', tools: [slow], toolContext: context(), timeoutMs: 400 }),
    );
    assert.equal(error.kind, 'timeout');
    assert.ok(performance.now() - started < 1500);
  });

  test('when a slow provider answers within the timeout, then the reply is returned and deltas arrive before the run ends', async () => {
    server.setScript([{ type: 'text', text: 'slow but fine', delayMs: 200, chunkDelayMs: 50 }]);
    const stamps: number[] = [];
    const result = await runLlmAgent({
      model: model(),
      instructions: 'x',
      history: [],
      input: 'hi',
      tools: [],
      toolContext: context(),
      onDelta: () => stamps.push(performance.now()),
      timeoutMs: 3000,
    });
    const done = performance.now();
    assert.equal(result.text, 'slow but fine');
    assert.ok(stamps.length === 3);
    assert.ok(done - (stamps[0] ?? done) >= 80, 'the first delta came well before the end');
  });

  test('when a tool throws, then the run fails as a tool error naming the tool and the model is not asked again', async () => {
    server.requests.length = 0;
    server.setScript([
      { type: 'tool', calls: [{ name: 'read_mail', args: { id: 'm1' } }] },
      { type: 'text', text: 'should not be requested' },
    ]);
    const error = await expectLlmError(
      runLlmAgent({
        model: model(),
        instructions: 'x',
        history: [],
        input: 'read my mail',
        tools: [lookupTool, failingTool],
        toolContext: context(),
        timeoutMs: 5000,
      }),
    );
    assert.equal(error.kind, 'tool');
    assert.equal(error.toolName, 'read_mail');
    assert.ok(!describeLlmError(error).includes(SECRET));
    // Give a continuing loop a moment to show itself.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(server.chatRequests().length, 1);
  });

  test('when the model sends arguments that do not match the tool schema, then the tool does not run and the model gets the validation error', async () => {
    server.requests.length = 0;
    server.setScript([
      { type: 'tool', calls: [{ name: 'search_notes', args: { query: 'x', limit: 99 } }] },
      { type: 'text', text: 'Let me try that differently.' },
    ]);
    const ctx = context();
    const result = await runLlmAgent({
      model: model(),
      instructions: 'x',
      history: [],
      input: 'find x',
      tools: [lookupTool],
      toolContext: ctx,
      timeoutMs: 5000,
    });
    assert.deepEqual(ctx.calls, []);
    assert.deepEqual(result.toolCalls, []);
    assert.equal(result.text, 'Let me try that differently.');
    const toolMessage = server.chatRequests()[1]?.messages.find((m) => m.role === 'tool');
    assert.match(String(toolMessage?.content), /limit/);
  });

  test('when the caller aborts, then the run fails as aborted without waiting for the provider', async () => {
    server.setScript([{ type: 'hang' }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await expectLlmError(
      runLlmAgent({
        model: model(),
        instructions: 'x',
        history: [],
        input: 'hi',
        tools: [],
        toolContext: context(),
        signal: controller.signal,
        timeoutMs: 5000,
      }),
    );
    assert.equal(error.kind, 'aborted');
  });

  test('when the model name contains slashes, then it reaches the server unchanged', async () => {
    server.requests.length = 0;
    server.setScript([{ type: 'text', text: 'ok' }]);
    const result = await runLlmAgent({
      model: { ...model(), model: 'meta-llama/Llama-3.1-8B-Instruct' },
      instructions: 'x',
      history: [],
      input: 'hi',
      tools: [],
      toolContext: context(),
      timeoutMs: 5000,
    });
    assert.equal(result.text, 'ok');
    assert.equal(server.chatRequests()[0]?.model, 'meta-llama/Llama-3.1-8B-Instruct');
    assert.equal(server.requests[0]?.path, '/v1/chat/completions');
  });
});

describe('runLlmAgent without a server', () => {
  test('when nothing listens at the address, then the run fails as unreachable', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const started = performance.now();
    const error = await expectLlmError(
      runLlmAgent({
        model: { baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: API_KEY, model: 'm' },
        instructions: 'x',
        history: [],
        input: 'hi',
        tools: [],
        toolContext: context(),
        timeoutMs: 5000,
        maxRetries: 0,
      }),
    );
    assert.equal(error.kind, 'unreachable');
    assert.equal(error.streamed, false);
    assert.deepEqual(error.toolCalls, []);
    assert.ok(performance.now() - started < 2000);
  });
});

describe('scripted server', () => {
  test('when a client does not ask for a stream, then it answers one chat.completion with the tool call', async () => {
    const server = await startScriptedLlmServer({ script: [{ type: 'tool', calls: [{ name: 'f', args: { a: 1 } }] }] });
    try {
      const response = await fetch(`${server.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
      });
      const body = (await response.json()) as {
        object: string;
        choices: Array<{ finish_reason: string; message: { tool_calls: Array<{ function: { name: string; arguments: string } }> } }>;
      };
      assert.equal(body.object, 'chat.completion');
      assert.equal(body.choices[0]?.finish_reason, 'tool_calls');
      assert.deepEqual(JSON.parse(body.choices[0]?.message.tool_calls[0]?.function.arguments ?? ''), { a: 1 });
      const missing = await fetch(`${server.baseUrl}/responses`, { method: 'POST', body: '{}' });
      assert.equal(missing.status, 404);
      const exhausted = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{"model":"m","messages":[]}' });
      assert.equal(exhausted.status, 500);
    } finally {
      await server.close();
    }
  });
});

describe('runLlmAgent reply text across steps', () => {
  test('when the model writes text before a tool call and after it, then the reply holds both, exactly as streamed', async () => {
    const server = await startScriptedLlmServer({
      script: [
        { type: 'tool', calls: [{ name: 'search_notes', args: { query: 'tax', limit: 1 } }], text: 'Let me look.' },
        { type: 'text', text: 'Found one note about tax.' },
      ],
    });
    try {
      const deltas: string[] = [];
      const result = await runLlmAgent({
        model: { baseUrl: server.baseUrl, apiKey: API_KEY, model: 'm' },
        instructions: 'x',
        history: [],
        input: 'tax notes?',
        tools: [lookupTool],
        toolContext: context(),
        onDelta: (d) => deltas.push(d),
        timeoutMs: 5000,
      });
      assert.equal(result.text, 'Let me look.\n\nFound one note about tax.');
      assert.equal(deltas.join(''), result.text);
      assert.equal(result.toolCalls.length, 1);
    } finally {
      await server.close();
    }
  });
});

describe('runLlmAgent tool failures and tool output', () => {
  test('when a tool throws an error meant for the user, then that message explains the failure', async () => {
    const server = await startScriptedLlmServer({ script: [{ type: 'tool', calls: [{ name: 'connect', args: {} }] }] });
    try {
      const connect: LlmTool<Ctx> = {
        name: 'connect',
        description: 'd',
        input: z.object({}),
        execute: () => {
          throw new AgentError('the mail server refused the login');
        },
      };
      const error = await expectLlmError(
        runLlmAgent({
          model: { baseUrl: server.baseUrl, apiKey: API_KEY, model: 'm' },
          instructions: 'x',
          history: [],
          input: 'hi',
          tools: [connect],
          toolContext: context(),
          timeoutMs: 5000,
        }),
      );
      assert.equal(error.kind, 'tool');
      assert.equal(describeLlmError(error), 'the mail server refused the login');
    } finally {
      await server.close();
    }
  });

  test('when toModel filters a tool output, then the model gets the filtered output and toolCalls keep the raw one', async () => {
    const server = await startScriptedLlmServer({
      script: [{ type: 'tool', calls: [{ name: 'account', args: {} }] }, { type: 'text', text: 'ok' }],
    });
    try {
      const account: LlmTool<Ctx> = {
        name: 'account',
        description: 'd',
        input: z.object({}),
        execute: (_input, ctx) => ({ email: 'a@example.test', imapPassword: ctx.mailPassword }),
      };
      const result = await runLlmAgent({
        model: { baseUrl: server.baseUrl, apiKey: API_KEY, model: 'm' },
        instructions: 'x',
        history: [],
        input: 'hi',
        tools: [account],
        toolContext: context(),
        timeoutMs: 5000,
        toModel: (output) => ({ email: (output as { email: string }).email }),
      });
      assert.deepEqual(result.toolCalls[0]?.output, { email: 'a@example.test', imapPassword: SECRET });
      const toolMessage = server.chatRequests()[1]?.messages.find((m) => m.role === 'tool');
      assert.deepEqual(JSON.parse(String(toolMessage?.content)), { email: 'a@example.test' });
      assert.ok(server.requests.every((r) => !r.rawBody.includes(SECRET)));
    } finally {
      await server.close();
    }
  });
});
