// One assistant, built-in engine, over real HTTP: messages without a mention are
// handed to the agent that fits, follow-ups act on what the conversation showed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CalendarEvent, Message } from '@lifeos/contract';
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

async function newUser(timezone: string): Promise<Api> {
  const user = await registerUser(server.url, { timezone });
  return as(server.url, user.accessToken);
}

async function say(api: Api, content: string): Promise<{ message: Message; reply: Message }> {
  const res = await api.post('/api/messages', { content });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { message: Message; reply: Message };
}

async function confirm(api: Api, reply: Message): Promise<Message> {
  const pending = reply.metadata?.pendingAction as { id: string } | undefined;
  assert.ok(pending, `expected a pending action in: ${reply.content}`);
  const res = await api.post(`/api/actions/${pending.id}/confirm`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.reply as Message;
}

async function events(api: Api): Promise<CalendarEvent[]> {
  return (await api.get('/api/calendar/events?from=2026-11-28T00:00:00Z&to=2027-06-30T00:00:00Z')).body.events;
}

const local = (iso: string, tz: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: tz, dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));

for (const tz of ZONES) {
  describe(`the assistant without a mention, in ${tz}`, () => {
    let api: Api;
    before(async () => {
      api = await newUser(tz);
    });

    it('when a calendar question has no mention, then @cal answers it and the user message keeps no agent', async () => {
      const { message, reply } = await say(api, "what's on my calendar tomorrow?");
      assert.equal(message.agentName, null);
      assert.equal(reply.agentName, '@cal');
      assert.deepEqual(reply.metadata?.agents, ['@cal']);
      assert.match(reply.content, /tomorrow/i);
      assert.doesNotMatch(reply.content, /@cal/);
    });

    it('when the user greets or thanks, then the assistant answers itself and no agent runs', async () => {
      const hi = (await say(api, 'hi!')).reply;
      assert.equal(hi.agentName, null);
      assert.deepEqual(hi.metadata?.agents, []);
      const thanks = (await say(api, 'thanks a lot')).reply;
      assert.equal(thanks.agentName, null);
      assert.match(thanks.content, /welcome/i);
    });

    it('when an event is added and then "change it to 4pm", then that event is proposed to move, nothing new is created', async () => {
      const added = (await say(api, 'add dentist tomorrow at 3')).reply;
      assert.equal(added.agentName, '@cal');
      assert.match(added.content, /Dentist.*15:00/);
      const before = (await events(api)).length;
      const change = (await say(api, 'change it to 4pm')).reply;
      assert.equal(change.agentName, '@cal');
      assert.match(change.content, /Move \*\*Dentist\*\*.*16:00/);
      await confirm(api, change);
      const all = await events(api);
      assert.equal(all.length, before);
      const dentist = all.find((e) => e.title === 'Dentist')!;
      assert.equal(local(dentist.start, tz), '2026-11-30 16:00');
    });

    it('when the user corrects with "no, 5pm" right after adding, then the new event moves', async () => {
      await say(api, 'add physio on Wednesday at 10');
      const fix = (await say(api, 'no, 5pm')).reply;
      assert.match(fix.content, /Physio.*17:00/);
      await confirm(api, fix);
      const physio = (await events(api)).find((e) => e.title === 'Physio')!;
      assert.equal(local(physio.start, tz), '2026-12-02 17:00');
    });

    it('when told "make it 30 minutes" about the event just added, then its length changes after confirming', async () => {
      await say(api, 'add call with the bank on Thursday at 11');
      const r = (await say(api, 'make it 30 minutes')).reply;
      assert.match(r.content, /Call with the bank/);
      await confirm(api, r);
      const call = (await events(api)).find((e) => e.title === 'Call with the bank')!;
      assert.equal((new Date(call.end).getTime() - new Date(call.start).getTime()) / 60_000, 30);
    });

    it('when an agenda was shown, then "delete the second one" proposes deleting its second event', async () => {
      const agenda = (await say(api, "what does my week look like?")).reply;
      assert.equal(agenda.agentName, '@cal');
      const r = (await say(api, 'delete the second one')).reply;
      assert.equal(r.agentName, '@cal');
      assert.match(r.content, /^Delete \*\*Physio\*\*/);
    });

    it('when an agenda of one day was shown, then "and on Friday?" shows Friday', async () => {
      await say(api, 'anything on tomorrow?');
      const r = (await say(api, 'and on Friday?')).reply;
      assert.equal(r.agentName, '@cal');
      assert.match(r.content, /Fri|Friday/);
      const after = (await say(api, 'the day after?')).reply;
      assert.match(after.content, /Sat|Saturday/);
    });

    it('when an evening event was just added, then "no, make it 8" keeps the evening and "actually Saturday" keeps the time', async () => {
      await say(api, 'add dinner with Sam on Friday at 7pm');
      const later = (await say(api, 'no, make it 8')).reply;
      assert.match(later.content, /Dinner with Sam.* to Fri 4 Dec, 20:00–21:00/);
      const day = (await say(api, 'actually Saturday')).reply;
      assert.match(day.content, /Dinner with Sam.* to Sat 5 Dec, 19:00–20:00/);
    });

    it('when a free-time question was answered, then "and Friday?" asks the same about Friday', async () => {
      await say(api, 'am I free Thursday at 3?');
      const r = (await say(api, 'and Friday?')).reply;
      assert.equal(r.agentName, '@cal');
      assert.match(r.content, /Fri 4 Dec at 15:00/);
    });

    it('when a change command cannot be parsed, then it is a question back and no event is created', async () => {
      const before = (await events(api)).length;
      const r = (await say(api, 'move the thing to whenever works')).reply;
      assert.match(r.content, /\?/);
      assert.equal((await events(api)).length, before);
    });
  });
}

describe('the assistant thread filter and bounded work', () => {
  let api: Api;
  before(async () => {
    api = await newUser('Europe/Berlin');
  });

  it('when listing ?agent=@cal, then replies of @cal and the unmentioned messages they answered are returned', async () => {
    const { message, reply } = await say(api, 'what do I have on Monday?');
    await say(api, 'hello');
    const page = (await api.get('/api/messages?agent=@cal&limit=50')).body.messages as Message[];
    const ids = page.map((m) => m.id);
    assert.ok(ids.includes(reply.id));
    assert.ok(ids.includes(message.id));
    assert.equal(page.filter((m) => m.role === 'user').length, 1);
  });

  it('when a 10,000-character message arrives with a health check, then both complete', async () => {
    const long = `add ${'very '.repeat(1990)}long meeting tomorrow at 10`;
    const [post, health] = await Promise.all([
      api.post('/api/messages', { content: long.slice(0, 10_000) }),
      fetch(`${server.url}/api/health`),
    ]);
    assert.equal(post.status, 201);
    assert.ok(post.body.reply.content.length > 0);
    assert.equal(health.status, 200);
  });
});
