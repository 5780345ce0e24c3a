import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Problem } from '@lifeos/contract';
import { as, registerUser, request } from './helpers/http.ts';
import { metricValue, scrape } from './helpers/metrics.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { openSse } from './helpers/sse.ts';

describe('GET /metrics without a token configured (test environment, loopback client)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('when requests were served, then their durations are counted by route pattern and status, not by raw URL', async () => {
    const user = await registerUser(server.url);
    const client = as(server.url, user.accessToken);
    await client.get('/api/messages?limit=5');
    await client.get('/api/messages?limit=6');
    await client.delete('/api/auth/sessions/00000000-0000-4000-8000-000000000000');
    await request(server.url, 'GET', '/api/no-such-thing');
    const text = await scrape(server.url);
    const count = (labels: Record<string, string>) => metricValue(text, 'lifeos_http_request_duration_seconds_count', labels);
    assert.equal(count({ method: 'GET', route: '/api/messages', status: '200' }), 2);
    assert.equal(count({ method: 'DELETE', route: '/api/auth/sessions/:id', status: '404' }), 1);
    assert.equal(count({ method: 'GET', route: '/api/(unmatched)', status: '404' }), 1);
    assert.doesNotMatch(text, /00000000-0000-4000-8000-000000000000/);
  });

  it('when a message is answered, then the agent run, the business events and the pool are in the metrics', async () => {
    const user = await registerUser(server.url);
    const before = await scrape(server.url);
    const runs = (text: string) =>
      metricValue(text, 'lifeos_agent_run_duration_seconds_count', { agent: 'assistant', engine: 'builtin', outcome: 'ok' }) ?? 0;
    const sent = (text: string) => metricValue(text, 'lifeos_business_events_total', { event: 'message.sent' }) ?? 0;
    assert.equal((await as(server.url, user.accessToken).post('/api/messages', { content: 'what can you do?' })).status, 201);
    const text = await scrape(server.url);
    assert.equal(runs(text) - runs(before), 1);
    assert.equal(sent(text) - sent(before), 1);
    assert.ok((metricValue(text, 'lifeos_business_events_total', { event: 'user.registered' }) ?? 0) >= 1);
    assert.equal(metricValue(text, 'lifeos_db_pool_connections', { state: 'total' }) !== undefined, true);
    assert.notEqual(metricValue(text, 'lifeos_nodejs_eventloop_lag_p99_seconds'), undefined);
    assert.notEqual(metricValue(text, 'lifeos_process_resident_memory_bytes'), undefined);
  });

  it('when a stream opens and closes, then the open-stream gauge follows it', async () => {
    const user = await registerUser(server.url);
    const stream = await openSse(server.url, user.accessToken);
    const open = async () => metricValue(await scrape(server.url), 'lifeos_sse_open_streams');
    assert.equal(await open(), 1);
    stream.close();
    await stream.ended;
    let value = await open();
    for (let i = 0; i < 50 && value !== 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      value = await open();
    }
    assert.equal(value, 0);
  });
});

describe('GET /metrics protection', () => {
  it('when METRICS_TOKEN is set, then only a request bearing it gets the metrics; others get a 401 problem', async () => {
    const server = await startTestServer({ env: { METRICS_TOKEN: 'scrape-me-please-0123456789' } });
    try {
      const none = await request(server.url, 'GET', '/metrics');
      assert.equal(none.status, 401);
      Problem.parse(none.body);
      assert.equal((await request(server.url, 'GET', '/metrics', { headers: { authorization: 'Bearer wrong' } })).status, 401);
      assert.match(await scrape(server.url, 'scrape-me-please-0123456789'), /lifeos_http_request_duration_seconds/);
    } finally {
      await server.close();
    }
  });

  it('when no token is set in production, then /metrics does not exist', async () => {
    const server = await startTestServer({ env: { NODE_ENV: 'production', APP_URL: 'https://lifeos.example.com' } });
    try {
      const res = await request(server.url, 'GET', '/metrics');
      assert.equal(res.status, 404);
      assert.equal(res.body.code, 'not_found');
    } finally {
      await server.close();
    }
  });
});
