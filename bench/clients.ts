// Load clients that autocannon does not cover: many server-sent event streams
// with delivery timing, and the mixed multi-user soak.
import http from 'node:http';
import { summarize, type Summary } from './stats.ts';
import { BENCH_PASSWORD, type BenchUser } from './seed.ts';

/** How a client proves who it is: a bearer token (LifeOS) or a plain user id header (the baseline). */
export type AuthHeaders = (user: BenchUser) => Record<string, string>;
export const bearer: AuthHeaders = (user) => ({ authorization: `Bearer ${user.token}` });
export const userIdHeader: AuthHeaders = (user) => ({ 'x-user-id': user.id });

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

interface Stream {
  close(): void;
}

/** Opens an SSE stream; calls onEvent for each event; resolves once the response headers arrived. */
export function openStream(
  base: string,
  headers: Record<string, string>,
  onEvent: (event: string, data: string) => void,
): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/api/messages/stream`, { agent, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let index: number;
        while ((index = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          let event = '';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (event) onEvent(event, data);
        }
      });
      res.on('error', () => undefined);
      resolve({ close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

async function post(base: string, path: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

export interface FanoutResult {
  streams: number;
  expected: number;
  delivered: number;
  latency: Summary;
  postsPerSecond: number;
  errors: number;
}

/**
 * `streamsPerUser` streams for each user; then each user posts `rounds` messages.
 * Measures, per stream, the time from sending the POST to the message.created event.
 */
export async function sseFanout(
  base: string,
  users: BenchUser[],
  auth: AuthHeaders,
  options: { streamsPerUser: number; rounds: number; postConcurrency: number },
): Promise<FanoutResult> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let errors = 0;
  const streams: Stream[] = [];
  const slots = users.flatMap((user) => Array.from({ length: options.streamsPerUser }, () => user));
  await pool(slots, 50, async (user) => {
    streams.push(
      await openStream(base, auth(user), (event, data) => {
        if (event !== 'message.created') return;
        const marker = /"content":"(fanout [^"]+)"/.exec(data)?.[1];
        const start = marker ? sentAt.get(marker) : undefined;
        if (start !== undefined) latencies.push(performance.now() - start);
      }),
    );
  });
  const expected = users.length * options.streamsPerUser * options.rounds;
  const started = performance.now();
  for (let round = 0; round < options.rounds; round++) {
    await pool(users, options.postConcurrency, async (user, i) => {
      const content = `fanout ${round}.${i}.${user.id.slice(0, 8)}`;
      sentAt.set(content, performance.now());
      const res = await post(base, '/api/messages', auth(user), { content });
      if (res.status !== 201) errors++;
    });
  }
  const postsPerSecond = (users.length * options.rounds) / ((performance.now() - started) / 1000);
  const deadline = Date.now() + 15_000;
  while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const s of streams) s.close();
  return { streams: streams.length, expected, delivered: latencies.length, latency: summarize(latencies), postsPerSecond, errors };
}

export interface SoakResult {
  users: number;
  seconds: number;
  requests: number;
  errors: number;
  errorSamples: string[];
  login: Summary;
  history: Summary;
  send: Summary;
  streamEvents: number;
}

/**
 * Each user logs in (real argon2), opens a stream, then until the end reads
 * history and sends a message, with a random pause between actions.
 */
export async function soak(base: string, users: BenchUser[], options: { seconds: number; thinkMs: number }): Promise<SoakResult> {
  const end = performance.now() + options.seconds * 1000;
  const times = { login: [] as number[], history: [] as number[], send: [] as number[] };
  let requests = 0;
  let errors = 0;
  let streamEvents = 0;
  const errorSamples: string[] = [];
  const fail = (what: string) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(what);
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const timed = async <T>(list: number[], run: () => Promise<T>) => {
    const t = performance.now();
    const result = await run();
    list.push(performance.now() - t);
    requests++;
    return result;
  };
  // Users arrive over the first third (at most 40 s): a thousand argon2 logins at once would only measure the queue.
  const rampMs = Math.min(40_000, (options.seconds * 1000) / 3);

  await Promise.all(
    users.map(async (user, i) => {
      await sleep((i / users.length) * rampMs);
      let stream: Stream | undefined;
      let stage = 'login';
      try {
        const login = await timed(times.login, () => post(base, '/api/auth/login', {}, { email: user.email, password: BENCH_PASSWORD, deviceName: 'soak' }));
        if (login.status !== 200) return fail(`login ${login.status}`);
        const headers = { authorization: `Bearer ${login.body.accessToken}` };
        stage = 'stream';
        stream = await openStream(base, headers, () => streamEvents++);
        let n = 0;
        while (performance.now() < end) {
          stage = 'history';
          const history = await timed(times.history, () => fetch(`${base}/api/messages?limit=50`, { headers }));
          await history.arrayBuffer();
          if (history.status !== 200) fail(`history ${history.status}`);
          if (performance.now() >= end) break;
          stage = 'send';
          const sent = await timed(times.send, () => post(base, '/api/messages', headers, { content: `soak ${i}.${n++} hello` }));
          if (sent.status !== 201) fail(`send ${sent.status}`);
          await sleep(options.thinkMs * (0.5 + Math.random()));
        }
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        fail(`${stage}: ${e.cause?.code ?? e.cause?.message ?? e.message}`);
      } finally {
        stream?.close();
      }
    }),
  );
  return {
    users: users.length,
    seconds: options.seconds,
    requests,
    errors,
    errorSamples,
    login: summarize(times.login),
    history: summarize(times.history),
    send: summarize(times.send),
    streamEvents,
  };
}
