// The daily briefing against a real mailbox: a private dovecot over IMAP (plain
// text on 127.0.0.1, the user's explicit `allowPlaintext`), a connection made
// through the API, mail delivered with IMAP APPEND (read and unread, from people and
// from machines), then the once-a-minute briefing job at the user's local time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { sendDueBriefings } from '../src/features/briefing/briefing.service.ts';
import { startDovecot, type Dovecot } from './helpers/dovecot.ts';
import { as, registerUser } from './helpers/http.ts';
import { buildMail, imapConnectionBody } from './helpers/mail-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.ts';
import { skipWithout } from './helpers/system-servers.ts';

const ALICE = { email: 'alice@example.test', password: 'secret' };
// Friday 20 November 2026, 07:30 in New York (EST, UTC-5) is 12:30 UTC.
const BRIEFING_AT = new Date('2026-11-20T12:30:00Z');
const SIGNED_UP = new Date('2026-11-20T11:00:00Z');

describe('daily briefing with a connected IMAP mailbox', { skip: await skipWithout('dovecot') }, () => {
  let dovecot: Dovecot;
  let sink: SmtpSink;
  let server: TestServer;
  let userId: string;

  before(async () => {
    dovecot = await startDovecot({ users: [ALICE] });
    try {
      sink = await startSmtpSink({ users: [{ user: ALICE.email, pass: ALICE.password }] });
      server = await startTestServer({ now: SIGNED_UP });
    } catch (err) {
      await sink?.stop();
      await dovecot.stop();
      throw err;
    }
    const deliver = async (from: string, subject: string, at: string, flags: string[] = []) =>
      dovecot.deliver(ALICE, await buildMail({ from, subject, text: `${subject}.`, date: new Date(at) }), { date: new Date(at), flags });
    // Unread, from people: last evening (New York time) and this morning.
    await deliver('Anna Schmidt <anna.schmidt@example.com>', 'Dinner on Saturday?', '2026-11-19T23:10:00Z');
    await deliver('Jo Park <jo@family.example>', 'Photos from the trip', '2026-11-20T10:05:00Z');
    // Read already: not news.
    await deliver('Ben Ortiz <ben@example.org>', 'Minutes of Tuesday', '2026-11-20T09:00:00Z', ['\\Seen']);
    // Unread, from machines: bulk, not worth a line.
    await deliver('The Daily Paper <newsletter@paper.example>', 'Your morning headlines', '2026-11-20T11:00:00Z');
    await deliver('Shop <no-reply@shop.example>', 'Your order has shipped', '2026-11-20T08:00:00Z');

    const user = await registerUser(server.url, { timezone: 'America/New_York' });
    userId = user.user.id;
    const api = as(server.url, user.accessToken);
    const connected = await api.post('/api/connections/imap', imapConnectionBody({ dovecot, sink }, ALICE));
    assert.equal(connected.status, 201, JSON.stringify(connected.body));
    const patched = await api.patch('/api/auth/me', { settings: { briefing: { enabled: true, time: '07:30' } } });
    assert.equal(patched.status, 200);
  });
  after(async () => {
    await server?.close();
    await sink?.stop();
    await dovecot?.stop();
  });

  const briefings = async () =>
    ((await server.ctx.db.execute(sql`select content from messages where user_id = ${userId} and metadata ? 'briefing' order by seq`)) as unknown as {
      rows: { content: string }[];
    }).rows;

  it('when the briefing time comes, then it lists the unread mail from people with their local times, and not the read or bulk mail', async () => {
    server.clock.now = new Date(BRIEFING_AT.getTime() - 60_000);
    await sendDueBriefings(server.ctx);
    assert.deepEqual(await briefings(), [], 'not before 07:30 in New York');

    server.clock.now = BRIEFING_AT;
    const { sent } = await sendDueBriefings(server.ctx);
    assert.equal(sent, 1);
    const [briefing] = await briefings();
    assert.ok(briefing, 'a briefing was stored');
    const text = briefing.content;
    assert.match(text, /Friday, 20 November/);
    assert.match(text, /Unread mail from people \(2\):/);
    // Newest first; times on the user's clock (EST): 05:05 today, 18:10 yesterday.
    assert.match(text, /- 05:05 Jo Park: Photos from the trip\n- yesterday 18:10 Anna Schmidt: Dinner on Saturday\?/);
    for (const absent of ['Minutes of Tuesday', 'Ben Ortiz', 'Your morning headlines', 'Your order has shipped']) assert.ok(!text.includes(absent), `${absent} is not in:\n${text}`);

    // Once a day: the next run of the job sends nothing more.
    server.clock.now = new Date(BRIEFING_AT.getTime() + 60_000);
    assert.equal((await sendDueBriefings(server.ctx)).sent, 0);
    assert.equal((await briefings()).length, 1);
  });
});
