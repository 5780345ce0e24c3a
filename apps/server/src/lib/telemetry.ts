// OpenTelemetry traces, exported over OTLP (HTTP, JSON) when
// OTEL_EXPORTER_OTLP_ENDPOINT is set. Spans are made by hand at the places
// this code owns — each HTTP request, each database statement, agent runs and
// tool calls (from their business events), outbound fetches and mail — so no
// loader flag or module patching is needed. Off, every helper here is a
// boolean test and a direct call: the SDK is not even loaded.
import { context, createContextKey, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { Config } from '../config.ts';
import { onBusinessEvent } from './events.ts';
import type { Logger } from './logger.ts';

const TRACER = 'lifeos';
const REQUEST_ID = createContextKey('lifeos.request_id');
/** The attribute every span of a request carries, so one request's spans are found by the id in its logs. */
export const REQUEST_ID_ATTRIBUTE = 'lifeos.request_id';
const MAX_STATEMENT = 2_000;

let enabled = false;

export interface Telemetry {
  /** Sends the spans ended so far. */
  flush(): Promise<void>;
  /** Sends what is left and turns tracing off. */
  shutdown(): Promise<void>;
}

const off: Telemetry = { flush: async () => undefined, shutdown: async () => undefined };

export const tracingEnabled = () => enabled;

/** Starts exporting when the configuration names an OTLP endpoint; otherwise does nothing. */
export async function startTelemetry(config: Pick<Config, 'otlpEndpoint' | 'version'>, log?: Logger): Promise<Telemetry> {
  if (!config.otlpEndpoint || enabled) return off;
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  // The endpoint is the collector's base URL, as the OpenTelemetry variable defines it; traces go to /v1/traces.
  const url = new URL('v1/traces', config.otlpEndpoint.endsWith('/') ? config.otlpEndpoint : `${config.otlpEndpoint}/`).href;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'lifeos', 'service.version': config.version }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 2_000 })],
  });
  provider.register();
  enabled = true;
  const stopEvents = onBusinessEvent((event, fields) => {
    if (event === 'agent.run' || event === 'tool.call') recordFinished(event, fields);
  });
  log?.info({ url }, 'exporting traces');
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      if (!enabled) return;
      enabled = false;
      stopEvents();
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}

function withRequestId(attributes: Attributes): Attributes {
  const id = context.active().getValue(REQUEST_ID);
  return id === undefined ? attributes : { ...attributes, [REQUEST_ID_ATTRIBUTE]: String(id) };
}

function fail(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** Runs `fn` inside a span (a child of the current one); without tracing, just runs it. */
export function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>, kind: 'internal' | 'client' = 'internal'): Promise<T> {
  if (!enabled) return fn();
  const spanKind = kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL;
  return trace.getTracer(TRACER).startActiveSpan(name, { kind: spanKind, attributes: withRequestId(attributes) }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      fail(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A span for one database statement; call the returned function when it is done. Undefined without tracing. */
export function startStatementSpan(system: string, text: string | undefined): ((err?: unknown) => void) | undefined {
  if (!enabled) return undefined;
  const statement = (text ?? '').slice(0, MAX_STATEMENT);
  const operation = statementOperation(statement);
  const span = trace.getTracer(TRACER).startSpan(`db ${operation}`, {
    kind: SpanKind.CLIENT,
    attributes: withRequestId({ 'db.system.name': system, 'db.operation.name': operation, 'db.query.text': statement }),
  });
  return (err) => {
    if (err) fail(span, err);
    span.end();
  };
}

/**
 * The statement's verb. A statement opening with common table expressions is named by its
 * main statement, the first verb outside their parentheses (`WITH run AS (INSERT ...) INSERT ...`
 * is an INSERT); quoted text is skipped.
 */
export function statementOperation(statement: string): string {
  const first = /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? 'QUERY';
  if (first !== 'WITH') return first;
  let depth = 0;
  for (let i = 0; i < statement.length; i++) {
    const c = statement[i]!;
    if (c === "'" || c === '"') {
      const end = statement.indexOf(c, i + 1);
      if (end < 0) break;
      i = end;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /\w/.test(c) && !/\w/.test(statement[i - 1] ?? ' ')) {
      const verb = /^(select|insert|update|delete|merge|values)\b/i.exec(statement.slice(i))?.[1];
      if (verb) return verb.toUpperCase();
    }
  }
  return first;
}

/** An outbound HTTP call: the host and path only, never the query string (it can carry tokens). */
export function outboundSpan<T extends Response>(method: string, url: URL, fn: () => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  const attributes = { 'http.request.method': method, 'server.address': url.hostname, 'url.path': url.pathname };
  return inSpan(`${method} ${url.host}`, attributes, async () => {
    const res = await fn();
    const span = trace.getActiveSpan();
    span?.setAttribute('http.response.status_code', res.status);
    if (res.status >= 500) span?.setStatus({ code: SpanStatusCode.ERROR });
    return res;
  }, 'client');
}

/** Runs `next` inside a new server span for the request, with its id on every span under it; `finish` ends it. */
export function startRequestSpan(method: string, path: string, requestId: string, next: () => void): (route: string, status: number) => void {
  const span = trace.getTracer(TRACER).startSpan(method, {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': method, 'url.path': path, [REQUEST_ID_ATTRIBUTE]: requestId },
  });
  context.with(trace.setSpan(context.active(), span).setValue(REQUEST_ID, requestId), next);
  return (route, status) => {
    span.updateName(`${method} ${route}`);
    span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
}

/** Agent runs and tool calls are logged when they end, with their duration: the span is drawn from that. */
function recordFinished(event: 'agent.run' | 'tool.call', fields: Record<string, unknown>): void {
  const ms = typeof fields.ms === 'number' ? fields.ms : 0;
  const now = Date.now();
  const attributes: Attributes = {};
  for (const key of ['agent', 'engine', 'outcome', 'name', 'tool', 'client', 'ok'] as const) {
    const value = fields[key];
    if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') attributes[`lifeos.${key}`] = value;
  }
  const label = event === 'agent.run' ? String(fields.agent ?? 'assistant') : String(fields.name ?? fields.tool ?? 'tool');
  const span = trace.getTracer(TRACER).startSpan(`${event} ${label}`, { startTime: now - ms, attributes: withRequestId(attributes) });
  if (fields.ok === false || (fields.outcome !== undefined && fields.outcome !== 'ok')) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(now);
}
