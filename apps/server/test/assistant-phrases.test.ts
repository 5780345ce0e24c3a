// Everyday calendar phrasings without a mention, end to end over POST /api/messages,
// in three time zones. One row per phrasing: add a row to cover a new one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CalendarEvent, Message } from '@lifeos/contract';
import { DateTime } from 'luxon';
import { as, registerUser } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

// Sunday 29 Nov 2026: 10:00 in Berlin, 01:00 in Los Angeles, 14:30 in Kolkata.
const NOW = new Date('2026-11-29T09:00:00Z');
const ZONES = ['Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata'] as const;

let server: TestServer;
before(async () => {
  server = await startTestServer({ now: NOW });
});
after(() => server.close());

type Api = ReturnType<typeof as>;
type Seed = { title: string; start: string; minutes?: number };
type Ctx = { api: Api; tz: string; reply: Message; events: () => Promise<CalendarEvent[]>; confirm: () => Promise<Message> };

interface Row {
  category: string;
  say: string;
  seed?: Seed[];
  /** Local wall times "yyyy-MM-dd HH:mm" are in the row's zone. */
  check(c: Ctx): Promise<void> | void;
}

const localOf = (iso: string, tz: string) => DateTime.fromISO(iso, { zone: tz }).toFormat('yyyy-LL-dd HH:mm');
const instant = (wall: string, tz: string) => DateTime.fromFormat(wall, 'yyyy-LL-dd HH:mm', { zone: tz }).toUTC().toISO()!;

/** The reply created exactly one event with this title and start (and end when given). */
const creates = (title: string, start: string, end?: string) => async (c: Ctx) => {
  assert.equal(c.reply.agentName, '@cal', c.reply.content);
  const found = (await c.events()).filter((e) => e.title === title);
  assert.equal(found.length, 1, `${c.reply.content} / ${JSON.stringify((await c.events()).map((e) => e.title))}`);
  assert.equal(localOf(found[0]!.start, c.tz), start);
  if (end) assert.equal(localOf(found[0]!.end, c.tz), end);
};

/** The reply proposes a change; once confirmed, the seeded event has these values. */
const changes = (expect: { title?: string; start?: string; end?: string }) => async (c: Ctx) => {
  assert.equal(c.reply.agentName, '@cal', c.reply.content);
  await c.confirm();
  const all = await c.events();
  assert.equal(all.length, 1, JSON.stringify(all.map((e) => e.title)));
  const e = all[0]!;
  if (expect.title) assert.equal(e.title, expect.title);
  if (expect.start) assert.equal(localOf(e.start, c.tz), expect.start);
  if (expect.end) assert.equal(localOf(e.end, c.tz), expect.end);
};

const answers = (re: RegExp) => (c: Ctx) => {
  assert.equal(c.reply.agentName, '@cal', c.reply.content);
  assert.match(c.reply.content, re);
};

const SYNC: Seed[] = [{ title: 'Team sync', start: '2026-12-01 10:00', minutes: 60 }];

const ROWS: Row[] = [
  // Ordinal days of the month
  { category: 'ordinal days', say: 'add dentist on the 14th at 9', check: creates('Dentist', '2026-12-14 09:00') },
  { category: 'ordinal days', say: 'book a haircut on the 3rd at 11', check: creates('Haircut', '2026-12-03 11:00') },
  { category: 'ordinal days', say: 'put car service in my calendar on the twenty-first at 8am', check: creates('Car service', '2026-12-21 08:00') },
  { category: 'ordinal days', say: "what's on the 23rd?", seed: [{ title: 'Carol concert', start: '2026-12-23 19:00' }], check: answers(/Carol concert/) },
  // Half past / quarter to
  { category: 'half past / quarter to', say: 'add call with Mia tomorrow at half past 3', check: creates('Call with Mia', '2026-11-30 15:30') },
  { category: 'half past / quarter to', say: 'schedule standup on Tuesday at quarter to 10', check: creates('Standup', '2026-12-01 09:45') },
  { category: 'half past / quarter to', say: 'add coffee with Jo on Friday at quarter past 4', check: creates('Coffee with Jo', '2026-12-04 16:15') },
  { category: 'half past / quarter to', say: 'add a run tomorrow at ten past 7am', check: creates('Run', '2026-11-30 07:10') },
  // Noon, midnight, tonight
  { category: 'noon / midnight / tonight', say: 'lunch with Sam tomorrow at noon', check: creates('Lunch with Sam', '2026-11-30 12:00') },
  { category: 'noon / midnight / tonight', say: 'add a call at noon on Monday', check: creates('Call', '2026-11-30 12:00') },
  { category: 'noon / midnight / tonight', say: 'add dinner with Lee tonight at 8', check: creates('Dinner with Lee', '2026-11-29 20:00') },
  { category: 'noon / midnight / tonight', say: 'add server upgrade on Wednesday at midnight', check: creates('Server upgrade', '2026-12-02 00:00') },
  // Relative offsets
  { category: 'relative offsets', say: 'add pizza delivery in 90 minutes', check: (c) => creates('Pizza delivery', localOf(new Date(NOW.getTime() + 90 * 60_000).toISOString(), c.tz))(c) },
  { category: 'relative offsets', say: 'add call with the bank in 2 hours', check: (c) => creates('Call with the bank', localOf(new Date(NOW.getTime() + 120 * 60_000).toISOString(), c.tz))(c) },
  { category: 'relative offsets', say: 'add dentist the day after tomorrow at 10', check: creates('Dentist', '2026-12-01 10:00') },
  { category: 'relative offsets', say: 'add gym in three days at 7am', check: creates('Gym', '2026-12-02 07:00') },
  // Common typos
  { category: 'typos', say: 'add dentist tommorow at 3', check: creates('Dentist', '2026-11-30 15:00') },
  { category: 'typos', say: 'schedual a meeting with Kim on firday at 10', check: creates('Meeting with Kim', '2026-12-04 10:00') },
  { category: 'typos', say: 'whats on my calender for wensday?', seed: [{ title: 'Pilates', start: '2026-12-02 18:00' }], check: answers(/Pilates/) },
  { category: 'typos', say: 'add yoga on thrusday at 7pm', check: creates('Yoga', '2026-12-03 19:00') },
  // Non-ASCII titles kept
  { category: 'non-ASCII titles', say: 'add Käsespätzle mit Jürgen on Friday at 19:00', check: creates('Käsespätzle mit Jürgen', '2026-12-04 19:00') },
  { category: 'non-ASCII titles', say: 'add Müller & Söhne call tomorrow at 10', check: creates('Müller & Söhne call', '2026-11-30 10:00') },
  { category: 'non-ASCII titles', say: 'add café with Zoë on Monday at 9', check: creates('Café with Zoë', '2026-11-30 09:00') },
  // Possessives and apostrophes kept
  { category: 'possessives', say: "add Mum's birthday dinner on Saturday at 7pm", check: creates("Mum's birthday dinner", '2026-12-05 19:00') },
  { category: 'possessives', say: "add O'Brien's farewell on Thursday at 5pm", check: creates("O'Brien's farewell", '2026-12-03 17:00') },
  { category: 'possessives', say: 'add Mum’s party on Saturday at 3', check: creates("Mum's party", '2026-12-05 15:00') },
  // Rename, extend, shorten, set a duration
  { category: 'rename / resize', say: 'rename the team sync to Weekly planning', seed: SYNC, check: changes({ title: 'Weekly planning', start: '2026-12-01 10:00', end: '2026-12-01 11:00' }) },
  { category: 'rename / resize', say: 'change the name of the team sync to Planning', seed: SYNC, check: changes({ title: 'Planning' }) },
  { category: 'rename / resize', say: 'extend the team sync by 30 minutes', seed: SYNC, check: changes({ start: '2026-12-01 10:00', end: '2026-12-01 11:30' }) },
  { category: 'rename / resize', say: 'shorten the team sync by 15 minutes', seed: SYNC, check: changes({ end: '2026-12-01 10:45' }) },
  { category: 'rename / resize', say: 'make the team sync 45 minutes', seed: SYNC, check: changes({ end: '2026-12-01 10:45' }) },
  { category: 'rename / resize', say: 'the team sync should last 2 hours', seed: SYNC, check: changes({ end: '2026-12-01 12:00' }) },
  { category: 'rename / resize', say: 'make the team sync half an hour longer', seed: SYNC, check: changes({ end: '2026-12-01 11:30' }) },
  // When do I see <person> next?
  ...['when do I see Anna next?', 'when will I see Anna again?', 'when am I meeting Anna next?'].map((say) => ({
    category: 'see <person> next',
    say,
    seed: [
      { title: 'Dinner with Anna', start: '2026-12-10 19:00' },
      { title: 'Lunch with Anna', start: '2026-12-03 12:00' },
      { title: 'Lunch with Ben', start: '2026-12-01 12:00' },
    ],
    check: answers(/^Next: \*\*Lunch with Anna\*\* — Thu 3 Dec, 12:00/),
  })),
  // Searching upcoming events by a word, months ahead
  { category: 'upcoming by a word', say: 'is there a game coming up?', seed: [{ title: 'Football game', start: '2027-03-14 15:00' }], check: answers(/Football game.*14 Mar/) },
  { category: 'upcoming by a word', say: 'do I have a concert coming up?', seed: [{ title: 'Carol concert', start: '2026-12-23 19:00' }], check: answers(/Carol concert/) },
  { category: 'upcoming by a word', say: 'any trips coming up?', seed: [{ title: 'Trip to Lisbon', start: '2027-02-06 08:00' }], check: answers(/Trip to Lisbon/) },
  { category: 'upcoming by a word', say: 'is there a wedding coming up?', seed: [{ title: 'Gym', start: '2026-12-01 08:00' }], check: answers(/^Nothing like “wedding”/) },
];

for (const tz of ZONES) {
  describe(`calendar phrasings without a mention, in ${tz}`, () => {
    for (const row of ROWS) {
      it(`[${row.category}] when the user says "${row.say}", then it is understood`, async () => {
        const api = as(server.url, (await registerUser(server.url, { timezone: tz })).accessToken);
        for (const s of row.seed ?? []) {
          const start = instant(s.start, tz);
          const end = new Date(new Date(start).getTime() + (s.minutes ?? 60) * 60_000).toISOString();
          assert.equal((await api.post('/api/calendar/events', { title: s.title, start, end })).status, 201);
        }
        const res = await api.post('/api/messages', { content: row.say });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        const reply = res.body.reply as Message;
        const events = async () => (await api.get('/api/calendar/events?from=2026-11-28T00:00:00Z&to=2027-06-30T00:00:00Z')).body.events as CalendarEvent[];
        const confirm = async () => {
          const pending = reply.metadata?.pendingAction as { id: string } | undefined;
          assert.ok(pending, `expected a proposal: ${reply.content}`);
          const r = await api.post(`/api/actions/${pending.id}/confirm`);
          assert.equal(r.status, 200, JSON.stringify(r.body));
          return r.body.reply as Message;
        };
        await row.check({ api, tz, reply, events, confirm });
      });
    }
  });
}
