// Times built-in replies in one process (server and client), for profiling with --cpu-prof:
//   TEST_DATABASE_URL=… node --cpu-prof test/helpers/reply-timing.ts [count]
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { as, registerUser } from './http.ts';
import { startTestServer } from './server.ts';

const count = Number(process.argv[2] ?? 200);

// Server side: from the request's headers parsed to the response finished, for POST /api/messages only.
const started = new WeakMap<ServerResponse, number>();
const serverMs: number[] = [];
let timing = false;
subscribe('http.server.request.start', (m) => {
  const { request, response } = m as { request: IncomingMessage; response: ServerResponse };
  if (timing && request.method === 'POST' && request.url === '/api/messages') started.set(response, performance.now());
});
subscribe('http.server.response.finish', (m) => {
  const t = started.get((m as { response: ServerResponse }).response);
  if (t !== undefined) serverMs.push(performance.now() - t);
});
const summary = (ms: number[]) => {
  ms.sort((a, b) => a - b);
  const q = (p: number) => Number(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(1));
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: Number(ms.at(-1)!.toFixed(1)) };
};
const server = await startTestServer({ env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' } });
try {
  const api = as(server.url, (await registerUser(server.url, { timezone: 'Europe/Berlin' })).accessToken);
  const phrasings = (i: number) => [`hello bench ${i}`, "what's on my calendar tomorrow?", '@cal what do I have this week?', 'thanks!'][i % 4]!;
  for (let i = 0; i < 20; i++) await api.post('/api/messages', { content: phrasings(i) });
  const ms: number[] = [];
  timing = true;
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const res = await api.post('/api/messages', { content: phrasings(i) });
    ms.push(performance.now() - t);
    if (res.status !== 201) throw new Error(`status ${res.status}: ${JSON.stringify(res.body)}`);
  }
  console.log(JSON.stringify({ count, server: summary(serverMs), roundTrip: summary(ms) }));
} finally {
  await server.close();
}
