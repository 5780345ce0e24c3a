// Runs one agent turn on a Mastra Agent against any OpenAI-compatible chat
// completions server: the agent's tools, text deltas as they stream, a hard
// time cap, and failures classified so the runtime can explain them plainly.
import { Agent } from '@mastra/core/agent';
import { noopLogger } from '@mastra/core/logger';
import { isMastraTimeoutError } from '@mastra/core/loop';
import { createTool } from '@mastra/core/tools';
import type * as z from 'zod';

// Mastra reads this lazily before sending any usage telemetry; this server sends none.
process.env.MASTRA_TELEMETRY_DISABLED = '1';

export type LlmModelConfig = {
  /** Base URL of an OpenAI-compatible API, including the version path (`.../v1`). */
  baseUrl: string;
  /** Optional: local servers (Ollama, LM Studio) accept requests without one. */
  apiKey: string | undefined;
  model: string;
};

export type LlmHistoryMessage = { role: 'user' | 'assistant'; content: string };

// A tool as the agents declare it (agents/types.ts ToolDef fits); both engines
// call `execute`. Method syntax keeps tools with narrower inputs assignable.
export interface LlmTool<TContext> {
  name: string;
  description: string;
  input: z.ZodType;
  execute(input: unknown, context: TContext): Promise<unknown> | unknown;
}

export type LlmToolCall = { name: string; input: unknown; output: unknown };

export type RunLlmAgentOptions<TContext> = {
  model: LlmModelConfig;
  instructions: string;
  /** Earlier turns, oldest first; the caller bounds its length. */
  history: LlmHistoryMessage[];
  input: string;
  tools: readonly LlmTool<TContext>[];
  toolContext: TContext;
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
  /** Cap for the whole run (model calls and tools). */
  timeoutMs: number;
  /** Model calls plus tool rounds; bounds a model that keeps calling tools. */
  maxSteps?: number;
  /** Retries of a failed model call (HTTP 5xx, 429, dropped connection). */
  maxRetries?: number;
  /** Called after each tool call (for the business event log). */
  onToolCall?: (call: { name: string; ms: number; ok: boolean }) => void;
  /** What the model sees of a tool's output; the raw output stays in `toolCalls`. */
  toModel?: (output: unknown) => unknown;
};

export type LlmRunResult = { text: string; toolCalls: LlmToolCall[] };

export type LlmErrorKind =
  /** Nothing answered at the address: refused, DNS failure, reset before a response. */
  | 'unreachable'
  /** The provider answered with an HTTP error status. */
  | 'http'
  /** The run took longer than `timeoutMs`. */
  | 'timeout'
  /** The caller's signal aborted the run. */
  | 'aborted'
  /** A tool threw. */
  | 'tool'
  /** Anything else the provider or the stream did wrong (malformed answer, ...). */
  | 'provider';

export class LlmEngineError extends Error {
  readonly kind: LlmErrorKind;
  readonly status: number | undefined;
  readonly toolName: string | undefined;
  /** Tool calls that completed before the failure (their side effects happened). */
  readonly toolCalls: LlmToolCall[];
  /** Whether any text delta reached `onDelta` before the failure. */
  readonly streamed: boolean;

  constructor(
    kind: LlmErrorKind,
    message: string,
    details: { status?: number; toolName?: string; toolCalls: LlmToolCall[]; streamed: boolean; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'LlmEngineError';
    this.kind = kind;
    this.status = details.status;
    this.toolName = details.toolName;
    this.toolCalls = details.toolCalls;
    this.streamed = details.streamed;
  }
}

/**
 * Why the run failed, as a clause for the user ("... couldn't finish that: <reason>.");
 * no URLs, keys or stack traces.
 */
export function describeLlmError(error: LlmEngineError): string {
  switch (error.kind) {
    case 'unreachable':
      return 'the language model service could not be reached';
    case 'http':
      if (error.status === 401 || error.status === 403) return "the language model service refused this server's API key";
      if (error.status === 429) return 'the language model service is rate-limiting requests right now';
      if (error.status !== undefined && error.status >= 500) return 'the language model service had an internal error';
      return 'the language model service rejected the request';
    case 'timeout':
      return 'the language model took too long to answer';
    case 'aborted':
      return 'the answer was cancelled before it was finished';
    case 'tool': {
      const userMessage = (error.cause as { userMessage?: unknown } | undefined)?.userMessage;
      if (typeof userMessage === 'string' && userMessage) return userMessage;
      return `the ${error.toolName ?? 'tool'} step failed`;
    }
    case 'provider':
      return 'the language model service sent an answer that could not be read';
  }
}

const OPENAI_HOST = 'api.openai.com';

// Mastra's own model config (not an @ai-sdk provider instance): with a `url`
// it always talks Chat Completions (`POST {url}/chat/completions`) through its
// bundled OpenAI-compatible client. The provider part of the id only names the
// provider (and selects Mastra's capability data, e.g. which OpenAI models
// reject `temperature`), so any other server is `openai-compatible/<model>`.
function toMastraModel(model: LlmModelConfig) {
  const url = model.baseUrl.replace(/\/+$/, '');
  let provider = 'openai-compatible';
  try {
    if (new URL(url).hostname === OPENAI_HOST) provider = 'openai';
  } catch {
    // An invalid URL fails on the first request and is reported as unreachable.
  }
  return {
    id: `${provider}/${model.model}` as `${string}/${string}`,
    url,
    ...(model.apiKey ? { apiKey: model.apiKey } : {}),
  };
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const errors = (current as { errors?: unknown }).errors; // AggregateError from happy-eyeballs connects
    if (Array.isArray(errors)) for (const inner of errors) codes.push(...errorCodes(inner));
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

function classifyProviderError(error: unknown): { kind: LlmErrorKind; status?: number; message: string } {
  if (isMastraTimeoutError(error)) return { kind: 'timeout', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number') return { kind: 'http', status, message };
  if (errorCodes(error).some((code) => CONNECTION_CODES.has(code)) || /cannot connect to api/i.test(message))
    return { kind: 'unreachable', message };
  return { kind: 'provider', message };
}

type RunState = { toolCalls: LlmToolCall[]; streamed: boolean; toolFailure: { name: string; cause: unknown } | undefined };

function toMastraTools<TContext>(
  options: RunLlmAgentOptions<TContext>,
  state: RunState,
  stopRun: () => void,
) {
  const { tools, toolContext, onToolCall, toModel = (output: unknown) => output } = options;
  const result: Record<string, ReturnType<typeof createTool>> = {};
  for (const tool of tools) {
    result[tool.name] = createTool({
      id: tool.name,
      description: tool.description,
      inputSchema: tool.input,
      // Mastra validated `input` against the schema before calling this.
      execute: async (input: unknown) => {
        const started = performance.now();
        try {
          const output = await tool.execute(input, toolContext);
          state.toolCalls.push({ name: tool.name, input, output });
          onToolCall?.({ name: tool.name, ms: Math.round(performance.now() - started), ok: true });
          return toModel(output);
        } catch (cause) {
          onToolCall?.({ name: tool.name, ms: Math.round(performance.now() - started), ok: false });
          // A throwing tool is a failed run, not something to hand back to the
          // model: it would improvise around an integration that is down.
          state.toolFailure ??= { name: tool.name, cause };
          stopRun();
          throw cause;
        }
      },
    });
  }
  return result;
}

/** Runs one turn of an agent on a language model; rejects with `LlmEngineError`. */
export async function runLlmAgent<TContext>(options: RunLlmAgentOptions<TContext>): Promise<LlmRunResult> {
  const state: RunState = { toolCalls: [], streamed: false, toolFailure: undefined };
  const fail = (kind: LlmErrorKind, message: string, extra: { status?: number; toolName?: string; cause?: unknown } = {}) =>
    new LlmEngineError(kind, message, { ...extra, toolCalls: [...state.toolCalls], streamed: state.streamed });

  const internal = new AbortController();
  let stopReason: LlmEngineError | undefined;
  const stop = (reason: LlmEngineError) => {
    stopReason ??= reason;
    internal.abort(reason);
  };
  const timer = setTimeout(
    () => stop(fail('timeout', `LLM run exceeded ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  const onCallerAbort = () => stop(fail('aborted', 'LLM run aborted by caller', { cause: options.signal?.reason }));
  if (options.signal?.aborted) onCallerAbort();
  else options.signal?.addEventListener('abort', onCallerAbort, { once: true });

  // Rejects as soon as the run is stopped, even while a tool or the model
  // ignores the abort signal, so the timeout is a hard cap.
  const stopped = new Promise<never>((_, reject) => {
    internal.signal.addEventListener('abort', () => reject(stopReason), { once: true });
  });
  stopped.catch(() => {});

  const agent = new Agent({
    id: 'lifeos-agent',
    name: 'lifeos-agent',
    instructions: options.instructions,
    model: toMastraModel(options.model),
    tools: toMastraTools(options, state, () =>
      stop(fail('tool', `tool ${state.toolFailure?.name} failed`, { toolName: state.toolFailure?.name, cause: state.toolFailure?.cause })),
    ),
  });
  // Mastra's default logger prints failed provider calls with the whole request
  // body (the conversation); errors are reported to the caller instead.
  agent.__setLogger(noopLogger);

  const run = async (): Promise<LlmRunResult> => {
    const output = await agent.stream(
      [
        // Narrowed per role: Mastra's message union does not accept a role union.
        ...options.history.map((message) =>
          message.role === 'user'
            ? { role: 'user' as const, content: message.content }
            : { role: 'assistant' as const, content: message.content },
        ),
        { role: 'user' as const, content: options.input },
      ],
      {
        maxSteps: options.maxSteps ?? 5,
        abortSignal: internal.signal,
        modelSettings: { maxRetries: options.maxRetries ?? 1 },
      },
    );
    let providerError: unknown;
    // The reply is all text the person saw streaming, across steps (a model may
    // say "Let me look." before a tool call); Mastra's `text` keeps only the
    // last step. Steps are joined by a blank line, streamed as its own delta.
    let text = '';
    let stepHasText = false;
    const emit = (delta: string) => {
      text += delta;
      state.streamed = true;
      try {
        options.onDelta?.(delta);
      } catch {
        // Deltas are a preview; the stored reply is what counts.
      }
    };
    for await (const chunk of output.fullStream) {
      if (chunk.type === 'step-start') {
        stepHasText = false;
      } else if (chunk.type === 'text-delta') {
        if (!chunk.payload.text) continue;
        if (!stepHasText && text.trim()) emit('\n\n');
        stepHasText = true;
        emit(chunk.payload.text);
      } else if (chunk.type === 'error') {
        providerError ??= chunk.payload.error;
      }
    }
    if (stopReason) throw stopReason;
    if (providerError !== undefined) {
      const { kind, status, message } = classifyProviderError(providerError);
      throw fail(kind, message, { status, cause: providerError });
    }
    return { text: text.trim() ? text : (await output.text).trim(), toolCalls: [...state.toolCalls] };
  };

  try {
    return await Promise.race([run(), stopped]);
  } catch (error) {
    if (error instanceof LlmEngineError) throw error;
    if (stopReason) throw stopReason;
    const { kind, status, message } = classifyProviderError(error);
    throw fail(kind, message, { status, cause: error });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
    if (!internal.signal.aborted) internal.abort();
  }
}
