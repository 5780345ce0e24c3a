// The daily briefing with a fixed clock: at the chosen local time, once per local day,
// in two time zones and across both DST switches; nothing sent when there is nothing
// to say; once even when several instances run the job at the same moment.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { sendDueBriefings } from '../src/features/briefing/briefing.service.ts';
import { isFromPerson } from '../src/features/briefing/real-sender.ts';
import { as, registerUser } from './helpers/http.ts';
import { startTestServer, usingPostgres, type TestServer } from './helpers/server.ts';

const MIN = 60_000;

describe(`daily briefing (${usingPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ now: new Date('2027-03-27T12:00:00Z') });
  });
  after(async () => server?.close());

  /** Signs up at `at` (access tokens are checked against the fixed clock) and turns the briefing on. */
  async function userWithBriefing(timezone: string, time: string, at: string) {
    server.clock.now = new Date(at);
    const user = await registerUser(server.url, { timezone });
    const api = as(server.url, user.accessToken);
    const patched = await api.patch('/api/auth/me', { settings: { briefing: { enabled: true, time } } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.user.settings.briefing, { enabled: true, time });
    // Read from the database: the clock moves on past the access token's life.
    const briefings = async () =>
      ((await server.ctx.db.execute(
        sql`select content, agent_name as "agentName", metadata, created_at as "createdAt" from messages where user_id = ${user.user.id} and metadata ? 'briefing' order by seq`,
      )) as unknown as { rows: any[] }).rows;
    return { user, api, briefings };
  }

  /** Runs the once-a-minute job every `stepMin` minutes from `from` to `to` (the fixed clock moves). */
  async function runJob(from: string, to: string, stepMin = 15) {
    for (let t = new Date(from).getTime(); t <= new Date(to).getTime(); t += stepMin * MIN) {
      server.clock.now = new Date(t);
      await sendDueBriefings(server.ctx);
    }
  }

  it('when a user has not turned the briefing on, then it is off with a default time', async () => {
    const user = await registerUser(server.url);
    const me = await as(server.url, user.accessToken).get('/api/auth/me');
    assert.deepEqual(me.body.user.settings.briefing, { enabled: false, time: '07:30' });
    const bad = await as(server.url, user.accessToken).patch('/api/auth/me', { settings: { briefing: { enabled: true, time: '25:00' } } });
    assert.equal(bad.status, 400);
  });

  it('when the chosen time comes, then one message lists the day\'s events and reminders, in the user\'s zone', async () => {
    const { api, briefings } = await userWithBriefing('America/New_York', '07:30', '2027-03-26T06:00:00Z');
    // Friday 26 March 2027 in New York (EDT, UTC-4).
    await api.post('/api/calendar/events', { title: 'Dentist', start: '2027-03-26T14:00:00.000Z', end: '2027-03-26T15:00:00.000Z' });
    await api.post('/api/calendar/events', { title: 'Tomorrow thing', start: '2027-03-27T14:00:00.000Z' });
    await api.post('/api/reminders', { text: 'Call the garage', dueAt: '2027-03-26T21:00:00.000Z' });
    await runJob('2027-03-26T11:00:00Z', '2027-03-26T11:15:00Z', 1);
    assert.deepEqual(await briefings(), [], 'not before 07:30');
    await runJob('2027-03-26T11:16:00Z', '2027-03-26T11:29:00Z', 1);
    assert.deepEqual(await briefings(), [], 'not before 07:30');
    await runJob('2027-03-26T11:30:00Z', '2027-03-26T14:00:00Z', 1);
    const sent = await briefings();
    assert.equal(sent.length, 1);
    assert.equal(sent[0].agentName, '@cal');
    assert.match(sent[0].content, /10:00–11:00 Dentist/);
    assert.match(sent[0].content, /17:00 Call the garage/);
    assert.doesNotMatch(sent[0].content, /Tomorrow thing/);
  });

  it('when there is nothing to say, then no message is sent that day', async () => {
    const { briefings } = await userWithBriefing('Europe/Berlin', '08:00', '2027-03-26T05:00:00Z');
    await runJob('2027-03-26T06:00:00Z', '2027-03-26T12:00:00Z');
    assert.deepEqual(await briefings(), []);
  });

  for (const [zone, springDay, fallDay] of [
    ['Europe/Berlin', '2027-03-28', '2026-10-25'],
    ['America/New_York', '2027-03-14', '2026-11-01'],
  ] as const) {
    it(`when the clocks change in ${zone}, then a briefing at 02:30 still comes exactly once on each of the two days`, async () => {
      const { api, briefings } = await userWithBriefing(zone, '02:30', `${fallDay}T00:00:00Z`);
      // Something to say every day: a daily event at noon.
      const ev = await api.post('/api/calendar/events', { title: 'Daily noon', start: `${fallDay}T11:00:00.000Z`, recurrence: 'FREQ=DAILY' });
      assert.equal(ev.status, 201);
      // Fall back: 02:30 happens twice that night.
      await runJob(`${fallDay}T00:00:00Z`, `${fallDay}T12:00:00Z`, 10);
      // Spring forward: 02:30 does not exist; the briefing comes at the first minute after the gap.
      await runJob(`${springDay}T00:00:00Z`, `${springDay}T12:00:00Z`, 10);
      const sent = await briefings();
      assert.equal(sent.length, 2, JSON.stringify(sent.map((m: any) => m.createdAt)));
      assert.deepEqual(sent.map((m: any) => m.metadata.briefing.day).sort(), [fallDay, springDay].sort());
    });
  }

  it('when several instances run the job at the same moment, then the user gets one briefing', async () => {
    const { api, briefings } = await userWithBriefing('Europe/Berlin', '09:00', '2027-03-25T06:00:00Z');
    await api.post('/api/reminders', { text: 'Water the plants', dueAt: '2027-03-25T16:00:00.000Z' });
    const at = new Date('2027-03-25T08:01:00Z');
    server.clock.now = at;
    // On PostgreSQL a second instance on the same database; PGlite has one process, so three runs in it.
    const other = usingPostgres() ? await startTestServer({ databaseUrl: server.config.database.url!, now: at }) : undefined;
    try {
      const contexts = other ? [server.ctx, other.ctx, server.ctx, other.ctx] : [server.ctx, server.ctx, server.ctx];
      await Promise.all(contexts.map((c) => sendDueBriefings(c)));
    } finally {
      await other?.close();
    }
    assert.equal((await briefings()).length, 1);
  });
});

describe('which unread mail is from a person', () => {
  it('when mail comes from a no-reply, newsletter or notification address, then it is not', () => {
    for (const address of ['no-reply@shop.example', 'noreply@bank.example', 'notifications@github.com', 'newsletter@paper.example', 'news+daily@paper.example', 'mailer-daemon@mx.example', 'hello@startup.example', 'x@mcsv.net']) {
      assert.equal(isFromPerson({ name: '', address }), false, address);
    }
    for (const address of ['anna.schmidt@example.com', 'jo@family.example', 'dr.ruiz@clinic.example']) {
      assert.equal(isFromPerson({ name: 'Someone', address }), true, address);
    }
  });
});
