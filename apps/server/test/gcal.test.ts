// Google Calendar over HTTP: the Google connection made through oauth2-mock-server (as for
// Gmail), the Calendar v3 API played by a local server with Google's request and response shapes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CalendarEvent, Message } from '@lifeos/contract';
import { as, registerUser } from './helpers/http.ts';
import { testBrowser } from './helpers/browser.ts';
import { startOAuthServer, type OAuthTestServer } from './helpers/oauth-server.ts';
import { startFakeGmail, type FakeGmail } from './helpers/fake-gmail.ts';
import { startFakeGoogleCalendar, type FakeGoogleCalendar } from './helpers/google-calendar-server.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { startTogether } from './helpers/fixtures.ts';
import { listConnections, readConnectionSecret, upsertConnection } from '../src/features/connections/connections.repo.ts';

const REDIRECT_URI = 'http://lifeos.test/auth/google/callback';
const APP_URL = 'http://app.test';
// Sunday 29 Nov 2026, 10:00 in Berlin.
const NOW = new Date('2026-11-29T09:00:00Z');
const tz = 'Europe/Berlin';
const WEEK = '/api/calendar/events?from=2026-11-29T00:00:00Z&to=2026-12-07T00:00:00Z';

let oauth: OAuthTestServer;
let gmail: FakeGmail;
let gcal: FakeGoogleCalendar;
let server: TestServer;

type Client = ReturnType<typeof as>;

before(async () => {
  oauth = await startOAuthServer();
  const verifyToken = (t: string) => oauth.verifyAccessToken(t);
  [gmail, gcal] = await startTogether([
    startFakeGmail({ account: 'alice@gmail.example', verifyToken }),
    startFakeGoogleCalendar({ token: 'unused', verifyToken }),
  ]);
  server = await startTestServer({
    now: NOW,
    env: {
      GOOGLE_CLIENT_ID: 'lifeos-test-client',
      GOOGLE_CLIENT_SECRET: 'lifeos-test-secret',
      GOOGLE_REDIRECT_URI: REDIRECT_URI,
      GOOGLE_AUTH_URL: oauth.authUrl,
      GOOGLE_TOKEN_URL: oauth.tokenUrl,
      GOOGLE_REVOKE_URL: oauth.revokeUrl,
      GMAIL_API_URL: gmail.rootUrl,
      GOOGLE_CALENDAR_API_URL: gcal.rootUrl,
      APP_URL,
    },
  });
  // Already in the user's Google Calendar before they connect.
  gcal.events.get('primary')!.push({
    kind: 'calendar#event',
    id: 'flight1',
    etag: '"1"',
    status: 'confirmed',
    summary: 'Flight to Lisbon',
    location: 'BER Terminal 1',
    start: { dateTime: '2026-11-30T08:00:00+01:00' },
    end: { dateTime: '2026-11-30T10:00:00+01:00' },
    reminders: { useDefault: false, overrides: [{ method: 'popup', minutes: 120 }] },
  });
});

after(async () => {
  await server?.close();
  await Promise.all([gmail?.stop(), gcal?.close()]);
  await oauth?.stop();
});

async function say(api: Client, content: string): Promise<Message> {
  const res = await api.post('/api/messages', { content });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.reply as Message;
}

async function confirm(api: Client, reply: Message): Promise<Message> {
  const pending = reply.metadata?.pendingAction as { id: string } | undefined;
  assert.ok(pending, `expected a pending action in: ${reply.content}`);
  const res = await api.post(`/api/actions/${pending.id}/confirm`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.reply as Message;
}

/** The browser part: the mock consents at once and sends the browser to our callback. */
async function connectGoogle(api: Client): Promise<URL> {
  const start = await api.get('/api/connections/google/start');
  assert.equal(start.status, 200, JSON.stringify(start.body));
  const browser = testBrowser({ [new URL(REDIRECT_URI).host]: server.url });
  assert.equal(await browser.navigate(start.body.url, APP_URL), `${APP_URL}/settings/connections?provider=google&status=connected`);
  // Our start page, then Google's consent URL, then our callback.
  return browser.history.at(-2)!;
}

const remote = (id: string) => gcal.events.get('primary')!.find((e) => e.id === id);
const eventLists = () => gcal.requests.filter((r) => r.method === 'GET' && r.path === '/calendar/v3/calendars/primary/events').length;

describe('Google Calendar through the Google connection', () => {
  let alice: Client;
  before(async () => {
    alice = as(server.url, (await registerUser(server.url, { timezone: tz })).accessToken);
  });

  it('when a user connects Google, then the consent asks for the calendar scope next to the Gmail ones', async () => {
    const consentUrl = await connectGoogle(alice);
    const scopes = consentUrl.searchParams.get('scope')!.split(' ');
    assert.ok(scopes.includes('https://www.googleapis.com/auth/calendar'), scopes.join(' '));
    assert.ok(scopes.includes('https://www.googleapis.com/auth/gmail.modify'));
  });

  it('when the agenda is asked for, then the Google event is in it with source "google"', async () => {
    const res = await alice.get(WEEK);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.events.map((e: CalendarEvent) => [e.title, e.start, e.end, e.source, e.location]),
      [['Flight to Lisbon', '2026-11-30T07:00:00.000Z', '2026-11-30T09:00:00.000Z', 'google', 'BER Terminal 1']],
    );
    assert.equal((await say(alice, "@cal what's on tomorrow")).content, 'Tomorrow: 1 event.\n**Mon 30 Nov**\n- 08:00–10:00 **Flight to Lisbon** (BER Terminal 1)');
  });

  it("when a Google event has its own reminders, then they are the copy's reminders", async () => {
    const [event] = (await alice.get(WEEK)).body.events;
    assert.deepEqual(event.reminders, [120]);
    const reminders = (await alice.get('/api/reminders')).body.reminders;
    assert.deepEqual(reminders.map((r: { eventId: string; dueAt: string }) => [r.eventId, r.dueAt]), [[event.id, '2026-11-30T05:00:00.000Z']]);
  });

  it('when free time is asked for, then the Google event counts as busy', async () => {
    const reply = await say(alice, '@cal am I free tomorrow at 9:00?');
    assert.match(reply.content, /^No — on Mon 30 Nov at 09:00 you have \*\*Flight to Lisbon\*\* \(08:00–10:00\)\./);
  });

  it('when the Google event is moved through @cal, then Google changes only after confirmation', async () => {
    const reply = await say(alice, '@cal move the flight to Lisbon to 14:00');
    assert.equal(reply.content, 'Move **Flight to Lisbon** in Google Calendar from Mon 30 Nov, 08:00–10:00 to Mon 30 Nov, 14:00–16:00?\nConfirm to go ahead.');
    assert.equal(remote('flight1')!.start.dateTime, '2026-11-30T08:00:00+01:00');
    assert.equal((await confirm(alice, reply)).content, 'Moved **Flight to Lisbon** — Mon 30 Nov, 14:00–16:00.');
    assert.equal(new Date(remote('flight1')!.start.dateTime!).toISOString(), '2026-11-30T13:00:00.000Z');
    assert.equal(new Date(remote('flight1')!.end.dateTime!).toISOString(), '2026-11-30T15:00:00.000Z');
    const [copy] = (await alice.get(WEEK)).body.events as CalendarEvent[];
    assert.deepEqual([copy!.start, copy!.source], ['2026-11-30T13:00:00.000Z', 'google']);
  });

  it('when an event is added in Google, then the agenda shows it once a minute has passed, not before', async () => {
    gcal.events.get('primary')!.push({
      kind: 'calendar#event',
      id: 'dinner1',
      etag: '"1"',
      status: 'confirmed',
      summary: 'Dinner with Ana',
      start: { dateTime: '2026-12-01T19:00:00+01:00' },
      end: { dateTime: '2026-12-01T21:00:00+01:00' },
    });
    const lists = eventLists();
    assert.deepEqual(((await alice.get(WEEK)).body.events as CalendarEvent[]).map((e) => e.title), ['Flight to Lisbon'], 'read at most once a minute');
    assert.equal(eventLists(), lists);
    server.clock.now = new Date(NOW.getTime() + 2 * 60_000);
    try {
      assert.deepEqual(((await alice.get(WEEK)).body.events as CalendarEvent[]).map((e) => e.title), ['Flight to Lisbon', 'Dinner with Ana']);
      assert.equal(eventLists(), lists + 1);
    } finally {
      server.clock.now = NOW;
    }
  });

  it('when the Google event is cancelled through @cal, then it is deleted in Google after confirmation', async () => {
    const reply = await say(alice, '@cal cancel dinner with Ana');
    assert.match(reply.content, /^Delete \*\*Dinner with Ana\*\* from Google Calendar — Tue 1 Dec, 19:00–21:00\?/);
    assert.ok(remote('dinner1'), 'still there before confirming');
    await confirm(alice, reply);
    assert.equal(remote('dinner1'), undefined);
    assert.deepEqual(((await alice.get(WEEK)).body.events as CalendarEvent[]).map((e) => e.title), ['Flight to Lisbon']);
  });

  it('when an event is added to "my Google calendar", then it is created in Google after confirmation', async () => {
    const titles = () => gcal.events.get('primary')!.map((e) => e.summary).sort();
    const reply = await say(alice, '@cal add team lunch on Friday at 12 to my Google calendar');
    assert.equal(reply.content, 'Add **Team lunch** to Google Calendar — Fri 4 Dec, 12:00–13:00?\nConfirm to go ahead.');
    assert.deepEqual(titles(), ['Flight to Lisbon']);
    assert.equal((await confirm(alice, reply)).content, 'Added **Team lunch** to Google Calendar — Fri 4 Dec, 12:00–13:00.');
    assert.deepEqual(titles(), ['Flight to Lisbon', 'Team lunch']);
    const lunch = gcal.events.get('primary')!.find((e) => e.summary === 'Team lunch')!;
    assert.equal(new Date(lunch.start.dateTime!).toISOString(), '2026-12-04T11:00:00.000Z');
    const listed = ((await alice.get(WEEK)).body.events as CalendarEvent[]).map((e) => [e.title, e.source]);
    assert.deepEqual(listed, [['Flight to Lisbon', 'google'], ['Team lunch', 'google']]);

    await confirm(alice, await say(alice, '@cal cancel the team lunch'));
    assert.deepEqual(titles(), ['Flight to Lisbon']);
  });

  it('when Google Calendar fails, then the last copies stay and the connection (shared with Gmail) is not marked broken', async () => {
    const primary = gcal.events.get('primary')!;
    gcal.events.delete('primary');
    server.clock.now = new Date(NOW.getTime() + 5 * 60_000);
    try {
      const lists = eventLists();
      const res = await alice.get(WEEK);
      assert.equal(res.status, 200);
      assert.equal(eventLists(), lists + 1, 'Google was asked');
      assert.deepEqual((res.body.events as CalendarEvent[]).map((e) => e.title), ['Flight to Lisbon']);
      const connections = (await alice.get('/api/connections')).body.connections as Array<{ provider: string; status: string }>;
      assert.deepEqual(connections.map((c) => [c.provider, c.status]), [['google', 'ok']]);
    } finally {
      gcal.events.set('primary', primary);
      server.clock.now = NOW;
    }
  });

  it('when a Google connection was granted before the calendar scope was asked for, then its calendar is not read', async () => {
    const carol = await registerUser(server.url, { timezone: tz });
    const api = as(server.url, carol.accessToken);
    await connectGoogle(api);
    const [row] = await listConnections(server.ctx.db, carol.user.id, 'google');
    const secret = await readConnectionSecret<Record<string, unknown>>(server.ctx.db, server.ctx.secrets, carol.user.id, row!.id);
    const gmailOnly = 'https://www.googleapis.com/auth/gmail.modify https://www.googleapis.com/auth/gmail.send';
    await upsertConnection(server.ctx.db, server.ctx.secrets, { userId: carol.user.id, provider: 'google', account: row!.account, settings: { ...row!.settings, scope: gmailOnly }, secret: { ...secret, scope: gmailOnly } });
    const lists = eventLists();
    assert.deepEqual((await api.get(WEEK)).body.events, []);
    assert.equal(eventLists(), lists);
  });

  it("when another user looks, then they see none of this user's Google events", async () => {
    const bob = as(server.url, (await registerUser(server.url, { timezone: tz })).accessToken);
    assert.deepEqual((await bob.get(WEEK)).body.events, []);
    assert.equal((await say(bob, "@cal what's on tomorrow")).content, 'Nothing on your calendar tomorrow.');
  });
});
