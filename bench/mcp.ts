// MCP latency over real HTTP: tools/list and tools/call (a memory search and a
// calendar query) through the SDK's own client against the real app, on the
// embedded database, or PostgreSQL when BENCH_DATABASE_URL / TEST_DATABASE_URL is set.
//
//   npm run bench:mcp            (MCP_BENCH_CALLS=300 for more samples)
import { performance } from 'node:perf_hooks';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { registerUser, as } from '../apps/server/test/helpers/http.ts';
import { startTestServer } from '../apps/server/test/helpers/server.ts';
import { summarize } from './stats.ts';

const CALLS = Number(process.env.MCP_BENCH_CALLS ?? 200);
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;

const server = await startTestServer();
try {
  const user = await registerUser(server.url);
  const api = as(server.url, user.accessToken);
  for (let i = 0; i < 50; i++) await api.post('/api/memories', { content: `fact number ${i}: my locker ${i} is on floor ${i % 7}` });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${user.accessToken}` } } }),
  );
  const measure = async (label: string, fn: () => Promise<unknown>) => {
    for (let i = 0; i < 20; i++) await fn(); // warm-up
    const samples: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const t = performance.now();
      await fn();
      samples.push(performance.now() - t);
    }
    const s = summarize(samples);
    console.log(`${label.padEnd(36)} p50 ${s.p50.toFixed(1)} ms   p95 ${s.p95.toFixed(1)} ms   (${CALLS} calls)`);
  };
  console.log(`MCP over HTTP on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, one client, sequential requests`);
  await measure('tools/list', () => client.listTools());
  await measure('tools/call mem_search_memories', () => client.callTool({ name: 'mem_search_memories', arguments: { query: 'locker floor' } }));
  await measure('tools/call cal_list_events', () =>
    client.callTool({ name: 'cal_list_events', arguments: { from: '2026-12-01T00:00:00Z', to: '2026-12-08T00:00:00Z' } }),
  );
  await client.close();
} finally {
  await server.close();
}
