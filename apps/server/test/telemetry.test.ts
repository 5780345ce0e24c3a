// Traces reach an OTLP collector: a small OTLP/HTTP receiver on 127.0.0.1
// decodes what the server exports (JSON) and the test reads the spans.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { safeFetch } from '../src/lib/host-policy.ts';
import { startTelemetry, tracingEnabled, type Telemetry } from '../src/lib/telemetry.ts';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, testConfig, type TestServer } from './helpers/server.ts';

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
}
interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  kind: number;
  attributes: Record<string, string | number | boolean | undefined>;
  service: string | undefined;
}

const valueOf = (v: OtlpValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.boolValue);

/** An OTLP/HTTP trace receiver: every span posted to /v1/traces, decoded. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; posts: number; close(): Promise<void> }> {
  const state = { spans: [] as ReceivedSpan[], posts: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !/json/.test(req.headers['content-type'] ?? '')) {
        res.writeHead(404).end();
        return;
      }
      state.posts++;
      const payload = JSON.parse(body) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: OtlpValue }[] };
          scopeSpans: { spans: (Omit<ReceivedSpan, 'attributes' | 'service'> & { attributes: { key: string; value: OtlpValue }[] })[] }[];
        }[];
      };
      for (const rs of payload.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
        for (const ss of rs.scopeSpans) {
          for (const span of ss.spans) {
            state.spans.push({ ...span, service, attributes: Object.fromEntries(span.attributes.map((a) => [a.key, valueOf(a.value)])) });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get spans() {
      return state.spans;
    },
    get posts() {
      return state.posts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('traces without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('when no endpoint is configured, then tracing stays off and nothing is sent', async () => {
    const receiver = await startReceiver();
    const telemetry = await startTelemetry(testConfig());
    const server = await startTestServer();
    try {
      assert.equal(tracingEnabled(), false);
      const { accessToken } = await registerUser(server.url);
      assert.equal((await as(server.url, accessToken).post('/api/messages', { content: 'help' })).status, 201);
      await telemetry.flush();
      assert.equal(receiver.posts, 0);
    } finally {
      await server.close();
      await telemetry.shutdown();
      await receiver.close();
    }
  });
});

describe('traces over OTLP', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let telemetry: Telemetry;
  let server: TestServer;
  before(async () => {
    receiver = await startReceiver();
    try {
      // Started before the database, as main.ts does, so its statements are traced too.
      telemetry = await startTelemetry(testConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
      server = await startTestServer({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    } catch (err) {
      await telemetry?.shutdown();
      await receiver.close();
      throw err;
    }
  });
  after(async () => {
    await server?.close();
    await telemetry?.shutdown();
    await receiver?.close();
  });

  it('when a message is sent, then the request, its database statements and the agent run arrive as one trace with the request id', async () => {
    const { accessToken } = await registerUser(server.url);
    const requestId = `trace-test-${Date.now()}`;
    const res = await request(server.url, 'POST', '/api/messages', {
      token: accessToken,
      body: { content: '@cal what is on my calendar tomorrow?' },
      headers: { 'x-request-id': requestId },
    });
    assert.equal(res.status, 201);
    await telemetry.flush();

    const http = await waitFor('the request span', () =>
      receiver.spans.find((s) => s.attributes['lifeos.request_id'] === requestId && s.name === 'POST /api/messages'),
    );
    assert.equal(http.service, 'lifeos');
    assert.equal(http.attributes['http.route'], '/api/messages');
    assert.equal(http.attributes['http.response.status_code'], 201);

    const inTrace = receiver.spans.filter((s) => s.traceId === http.traceId && s !== http);
    const statements = inTrace.filter((s) => s.name.startsWith('db '));
    assert.ok(statements.length >= 2, `expected the insert and reads of the message, got ${inTrace.map((s) => s.name).join(', ')}`);
    assert.ok(statements.some((s) => s.name === 'db INSERT' && /insert into "messages"/i.test(String(s.attributes['db.query.text']))));
    for (const span of statements) assert.equal(span.attributes['lifeos.request_id'], requestId);

    const run = inTrace.find((s) => s.name === 'agent.run @cal');
    assert.ok(run, `no agent run span among ${inTrace.map((s) => s.name).join(', ')}`);
    assert.equal(run.attributes['lifeos.request_id'], requestId);
    assert.equal(run.attributes['lifeos.outcome'], 'ok');
  });

  it('when the server fetches another host, then a client span names the host and path but not the query string', async () => {
    const target = `${receiver.url}/somewhere?access_token=not-for-traces`;
    const res = await safeFetch({ allowPrivate: true })(target);
    assert.equal(res.status, 404);
    await telemetry.flush();
    const span = await waitFor('the fetch span', () => receiver.spans.find((s) => s.attributes['url.path'] === '/somewhere'));
    assert.equal(span.name, `GET ${new URL(receiver.url).host}`);
    assert.equal(span.attributes['http.response.status_code'], 404);
    assert.ok(!JSON.stringify(span).includes('not-for-traces'));
  });
});
