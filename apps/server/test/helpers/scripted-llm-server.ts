// A scripted OpenAI-compatible chat completions server for tests. It answers each
// POST .../chat/completions with the next turn of a script (a tool call, a final
// text, an HTTP error, or a hang), streams in the OpenAI SSE chunk format when the
// request asks for `stream: true`, and records every request so tests can check
// what the model was sent (tool results, absence of secrets).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptedToolCall = { name: string; args: unknown; id?: string };

export type ScriptTurn = (
  | { type: 'text'; text: string; chunks?: string[] }
  | { type: 'tool'; calls: ScriptedToolCall[]; text?: string }
  | { type: 'error'; status: number; body?: unknown }
  | { type: 'hang' }
) & {
  /** Wait this long before sending the response head. */
  delayMs?: number;
  /** Wait this long between SSE chunks when streaming. */
  chunkDelayMs?: number;
};

export type RecordedRequest = {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: ChatCompletionRequest | undefined;
};

// The subset of the chat completions request body tests look at.
export type ChatCompletionRequest = {
  model: string;
  stream?: boolean;
  messages: Array<{
    role: string;
    content?: unknown;
    tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  }>;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  [key: string]: unknown;
};

export type ScriptedLlmServer = {
  /** Base URL including `/v1`, as an OpenAI-compatible client expects it. */
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  /** Chat completion requests only, parsed. */
  chatRequests(): ChatCompletionRequest[];
  /** Replace the remaining script (turns are consumed one per chat request). */
  setScript(turns: ScriptTurn[]): void;
  /** Turns not yet consumed. */
  remaining(): number;
  close(): Promise<void>;
};

export type ScriptedLlmServerOptions = {
  script?: ScriptTurn[];
  /**
   * POST .../embeddings: the vector of one input text. Default: a deterministic bag of
   * words (each word adds 1 to one of 64 dimensions, chosen by a hash of the word).
   */
  embed?: (text: string) => number[];
  /** Answer for requests that arrive after the script is used up (default: HTTP 500). */
  whenExhausted?: ScriptTurn;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function splitText(text: string): string[] {
  // Word-sized chunks keep the stream realistic: several deltas per reply.
  const parts = text.match(/\S+\s*|\s+/g);
  return parts ?? [text];
}

export async function startScriptedLlmServer(options: ScriptedLlmServerOptions = {}): Promise<ScriptedLlmServer> {
  let script: ScriptTurn[] = [...(options.script ?? [])];
  const whenExhausted: ScriptTurn = options.whenExhausted ?? {
    type: 'error',
    status: 500,
    body: { error: { message: 'scripted server: script exhausted', type: 'server_error' } },
  };
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let callCounter = 0;
  let completionCounter = 0;

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: ChatCompletionRequest | undefined;
    try {
      body = rawBody ? (JSON.parse(rawBody) as ChatCompletionRequest) : undefined;
    } catch {
      body = undefined;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, rawBody, body });

    if (req.method === 'POST' && path.endsWith('/embeddings')) {
      const raw = (body as unknown as { input?: unknown; model?: string } | undefined) ?? {};
      const inputs = Array.isArray(raw.input) ? raw.input.map(String) : typeof raw.input === 'string' ? [raw.input] : null;
      if (!inputs) {
        sendJson(res, 400, { error: { message: 'scripted server: input must be a string or a list', type: 'invalid_request_error' } });
        return;
      }
      const embed = options.embed ?? bagOfWords;
      let data: { object: string; index: number; embedding: number[] }[];
      try {
        data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) }));
      } catch (err) {
        sendJson(res, 503, { error: { message: `scripted server: ${err instanceof Error ? err.message : String(err)}`, type: 'server_error' } });
        return;
      }
      sendJson(res, 200, { object: 'list', model: raw.model, data, usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } });
      return;
    }
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      sendJson(res, 404, { error: { message: `scripted server: no route ${req.method} ${path}`, type: 'invalid_request_error' } });
      return;
    }
    if (!body) {
      sendJson(res, 400, { error: { message: 'scripted server: body is not JSON', type: 'invalid_request_error' } });
      return;
    }

    const turn = script.shift() ?? whenExhausted;
    if (turn.delayMs) await sleep(turn.delayMs);
    if (res.destroyed) return;

    if (turn.type === 'hang') {
      // Keep the request open until the client gives up or the server closes.
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (turn.type === 'error') {
      sendJson(res, turn.status, turn.body ?? { error: { message: `scripted error ${turn.status}`, type: 'server_error' } });
      return;
    }

    const id = `chatcmpl-scripted-${++completionCounter}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model;
    const toolCalls =
      turn.type === 'tool'
        ? turn.calls.map((call) => ({
            id: call.id ?? `call_scripted_${++callCounter}`,
            type: 'function' as const,
            function: { name: call.name, arguments: JSON.stringify(call.args) },
          }))
        : [];
    const text = turn.type === 'text' ? turn.text : (turn.text ?? null);
    const finishReason = turn.type === 'tool' ? 'tool_calls' : 'stop';
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

    if (!body.stream) {
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
            finish_reason: finishReason,
          },
        ],
        usage,
      });
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const base = { id, object: 'chat.completion.chunk', created, model };
    const write = async (delta: unknown, finish: string | null = null, extra: object = {}) => {
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
      if (turn.chunkDelayMs) await sleep(turn.chunkDelayMs);
    };

    await write({ role: 'assistant', content: '' });
    if (text) {
      const pieces = turn.type === 'text' && turn.chunks ? turn.chunks : splitText(text);
      for (const piece of pieces) await write({ content: piece });
    }
    for (const [index, call] of toolCalls.entries()) {
      // First delta names the call, later deltas carry the arguments in pieces,
      // as OpenAI does.
      await write({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] });
      const args = call.function.arguments;
      const half = Math.ceil(args.length / 2);
      for (const piece of [args.slice(0, half), args.slice(half)]) {
        if (piece) await write({ tool_calls: [{ index, function: { arguments: piece } }] });
      }
    }
    await write({}, finishReason);
    if (!res.destroyed) {
      res.write(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
      res.write('data: [DONE]\n\n');
      res.end();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    chatRequests: () =>
      requests.filter((r) => r.path.endsWith('/chat/completions') && r.body).map((r) => r.body as ChatCompletionRequest),
    setScript(turns) {
      script = [...turns];
    },
    remaining: () => script.length,
    async close() {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A deterministic stand-in for an embedding model: words hashed into 64 dimensions. */
export function bagOfWords(text: string): number[] {
  const v = new Array<number>(64).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let h = 2166136261;
    for (const c of word) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    v[(h >>> 0) % 64]! += 1;
  }
  return v;
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
