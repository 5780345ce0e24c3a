// What the server writes to its log: no secret that travels in a path (the calendar
// feed token), and no database parameters (an email, a password hash, message text).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { users } from '../src/db/schema/index.ts';
import { createLogger } from '../src/lib/logger.ts';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

/** A logger at `debug` whose lines the test can read. */
function capturedLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger('debug', stream), lines, text: () => lines.join('\n') };
}

describe('secrets in request logs', () => {
  let server: TestServer;
  const captured = capturedLog();
  before(async () => {
    server = await startTestServer({ log: captured.log });
  });
  after(() => server.close());

  it('when a calendar feed is fetched, then its token is in neither the request log nor the metrics', async () => {
    const user = await registerUser(server.url);
    const { body } = await as(server.url, user.accessToken).get('/api/calendar/feed-url');
    const url = new URL(body.url);
    const token = /\/feed\/([^/]+)\.ics$/.exec(url.pathname)![1]!;
    const feed = await request(server.url, 'GET', url.pathname);
    assert.equal(feed.status, 200);
    const unknown = await request(server.url, 'GET', `/api/calendar/feed/${'x'.repeat(43)}.ics`);
    assert.equal(unknown.status, 404);

    const logged = captured.lines.filter((line) => line.includes('/api/calendar/feed/'));
    assert.ok(logged.length >= 2, 'both requests were logged');
    assert.ok(logged.some((line) => line.includes('/api/calendar/feed/[redacted].ics')), captured.text().slice(-2000));
    assert.ok(!captured.text().includes(token), 'the token is not in the log');
    assert.ok(!captured.text().includes('x'.repeat(43)), 'a wrong token is not logged either');

    const metrics = await request(server.url, 'GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.ok(String(metrics.body).includes('/api/calendar/feed/:token.ics'), 'the feed is counted under its route pattern');
    assert.ok(!String(metrics.body).includes(token));
  });
});

describe('database errors in logs', () => {
  let server: TestServer;
  const captured = capturedLog();
  before(async () => {
    server = await startTestServer({ log: captured.log });
  });
  after(() => server.close());

  it('when a statement fails during a request, then the log names the statement and its code, never its parameters', async () => {
    const user = await registerUser(server.url);
    const secret = 'my card PIN is 8841 and the key sk_live_51HqSECRETv4lue';
    await server.ctx.database.execute('ALTER TABLE memories RENAME TO memories_elsewhere');
    try {
      const res = await as(server.url, user.accessToken).post('/api/memories', { content: secret });
      assert.equal(res.status, 500);
      assert.equal(res.body.code, 'internal');
    } finally {
      await server.ctx.database.execute('ALTER TABLE memories_elsewhere RENAME TO memories');
    }
    const failure = captured.lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'request failed');
    assert.ok(failure, captured.text().slice(-3000));
    assert.equal(failure.err.code, '42P01', 'the SQLSTATE is logged');
    assert.match(failure.err.statement, /^insert/);
    assert.ok(!captured.text().includes('sk_live_51HqSECRETv4lue'), 'the message text is not logged');
    assert.ok(!/Failed query|params/.test(JSON.stringify(failure)), "the statement's text and parameters are not logged");
  });

  it('when a constraint fails on a row holding an email and a password hash, then neither reaches the log', async () => {
    const email = `victim.${Date.now()}@example.test`;
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0c2FsdA$SECRETHASHSECRETHASH';
    await server.ctx.db.insert(users).values({ email, passwordHash: hash });
    const err = await server.ctx.db
      .insert(users)
      .values({ email, passwordHash: hash })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof Error, 'the second insert fails');
    assert.ok(String((err as Error).message).includes(email) || JSON.stringify(err).includes(email), 'the error itself carries the values');
    server.ctx.log.error({ err }, 'could not store the user');
    const entry = captured.lines.map((line) => JSON.parse(line)).find((e) => e.msg === 'could not store the user');
    assert.ok(entry);
    assert.equal(entry.err.code, '23505');
    assert.equal(entry.err.constraint, 'users_email_unique');
    assert.ok(!captured.text().includes(email), 'no email in the log');
    assert.ok(!captured.text().includes('SECRETHASH'), 'no password hash in the log');
  });
});
