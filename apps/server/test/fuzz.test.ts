// Random and malformed requests across every route in the OpenAPI document
// (fast-check): never a 5xx, and every error is problem+json. FUZZ_REQUESTS
// sets the count (default 10,000; FUZZ_SEED replays a run).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Problem } from '@lifeos/contract';
import { registerUser } from './helpers/http.ts';
import { exampleOf, fillPath, loadOperations } from './helpers/openapi.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const BATCH = 25;

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

describe(`fuzzing every route (${TOTAL} requests)`, () => {
  let server: TestServer;
  before(async () => {
    // Limits stay on; the fuzzer is one address hammering login and registration.
    // Google is configured (never reached) so its routes answer as in production, not 503.
    server = await startTestServer({
      env: {
        RATE_LIMIT_LOGIN: '5',
        RATE_LIMIT_REGISTER: '5',
        GOOGLE_CLIENT_ID: 'fuzz-client',
        GOOGLE_CLIENT_SECRET: 'fuzz-secret',
        GOOGLE_REDIRECT_URI: 'http://127.0.0.1:9/auth/google/callback',
      },
    });
  });
  after(() => server.close());

  it('when requests with random methods, parameters, headers and bodies arrive, then none is answered with a 5xx and every error is a problem', { timeout: 600_000 }, async () => {
    const { operations, resolve } = await loadOperations(server.url);
    // Logging out or deleting the account would only shrink what a valid token reaches.
    const users = await Promise.all([1, 2, 3].map(() => registerUser(server.url)));
    const tokens = users.map((u) => u.accessToken);

    const weird = fc.constantFrom('', ' ', '%', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', '%00', 'null', 'undefined', '-1', '1e309', 'x'.repeat(3000), '😀', '<script>', "' OR 1=1 --", '__proto__', 'constructor');
    const paramValue = fc.oneof(fc.uuid().map(String), fc.string(), weird, fc.integer().map(String), fc.constant(randomUUID()));
    const headerValue = fc.oneof(fc.string({ maxLength: 40 }).filter((s) => /^[\t\x20-\x7e]*$/.test(s)), weird.filter((s) => /^[\t\x20-\x7e]*$/.test(s)));
    const auth = fc.oneof(
      fc.constantFrom(...tokens).map((t) => `Bearer ${t}`),
      fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${tokens[0]!.slice(0, -3)}abc`, 'Bearer a.b.c', `bearer ${tokens[1]}`),
      headerValue.map((v) => `Bearer ${v}`),
      fc.constant(undefined),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/merge-patch+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      undefined,
    );
    const operation = fc.constantFrom(...operations);

    const requestOf = fc
      .record({
        op: operation,
        method: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') }),
        params: fc.dictionary(fc.constantFrom('id', 'name', 'token'), paramValue),
        query: fc.array(fc.tuple(fc.oneof(fc.constantFrom('limit', 'before', 'agent', 'q', 'from', 'to', 'code', 'state', '__proto__', 'limit[]'), fc.string({ maxLength: 8 })), paramValue), { maxLength: 4 }),
        auth,
        contentType,
        lastEventId: fc.option(headerValue, { nil: undefined }),
        body: fc.oneof(
          { weight: 4, arbitrary: fc.constant('valid') },
          { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
          { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
          { weight: 2, arbitrary: fc.constantFrom('{', '{"content":', '[1,2', '{"content":"x"}}', '\u0000', 'null', '"text"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}') },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
        mutate: fc.record({ drop: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }), value: fc.jsonValue({ maxDepth: 2 }) }),
      })
      .map(({ op, method, params, query, auth, contentType, lastEventId, body, mutate }): FuzzRequest => {
        const defaults = Object.fromEntries(op.params.filter((p) => p.in === 'path').map((p) => [p.name, String(exampleOf(p.schema, resolve))]));
        const search = new URLSearchParams(query.map(([k, v]): [string, string] => [k, v]));
        let text: string | undefined = body;
        if (body === 'valid') {
          // A valid body with one field replaced or added: the edges of the schema.
          const valid = (op.body ? exampleOf(op.body, resolve) : {}) as Record<string, unknown>;
          if (mutate.drop !== undefined) valid[mutate.drop in valid ? mutate.drop : Object.keys(valid)[0] ?? mutate.drop] = mutate.value;
          text = JSON.stringify(valid);
        }
        const headers: Record<string, string> = {};
        if (auth) headers.authorization = auth;
        if (contentType && text !== undefined) headers['content-type'] = contentType;
        if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
        const finalMethod = method ?? op.method;
        return {
          method: finalMethod,
          path: fillPath(op.path, { ...defaults, ...params }) + (search.size ? `?${search}` : ''),
          headers,
          body: finalMethod === 'GET' || finalMethod === 'HEAD' ? undefined : text,
        };
      });

    let sent = 0;
    const failures: string[] = [];
    const send = async (req: FuzzRequest) => {
      const controller = new AbortController();
      let res: Response;
      try {
        res = await fetch(server.url + req.path, { method: req.method, headers: req.headers, body: req.body, signal: controller.signal, redirect: 'manual' });
      } catch (err) {
        failures.push(`${req.method} ${req.path}: no response (${(err as Error).cause ?? (err as Error).message})`);
        return;
      }
      sent++;
      const type = res.headers.get('content-type') ?? '';
      if (type.startsWith('text/event-stream')) {
        controller.abort();
        return;
      }
      const text = await res.text();
      if (res.status >= 500) failures.push(`${req.method} ${req.path} ${JSON.stringify(req.headers)} ${req.body?.slice(0, 200)} -> ${res.status} ${text.slice(0, 300)}`);
      else if (res.status >= 400 && req.method !== 'HEAD') {
        const ok = type.startsWith('application/problem+json') && Problem.safeParse(JSON.parse(text)).success && JSON.parse(text).status === res.status;
        if (!ok) failures.push(`${req.method} ${req.path} -> ${res.status} is not a problem: ${type} ${text.slice(0, 200)}`);
      }
    };

    await fc.assert(
      fc.asyncProperty(fc.array(requestOf, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        await Promise.all(batch.map(send));
        return failures.length === 0;
      }),
      { numRuns: Math.ceil(TOTAL / BATCH), endOnFailure: true, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
    ).catch((err: Error) => {
      const seed = /\{ seed: [^}]+\}/.exec(err.message)?.[0] ?? '';
      throw new Error(`${failures.slice(0, 10).join('\n')}\n(replay with FUZZ_SEED from ${seed})`);
    });
    assert.deepEqual(failures, []);
    assert.ok(sent >= TOTAL * 0.99, `${sent} requests answered`);
  });
});
