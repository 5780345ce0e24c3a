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

async function newUser(timezone: string) {
  const user = await registerUser(server.url, { timezone });
  return as(server.url, user.accessToken);
}

async function say(api: Api, content: string): Promise<Message> {
  const res = await api.post('/api/messages', { content });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.reply.agentName, '@cal');
  return res.body.reply as Message;
}

async function confirm(api: Api, reply: Message): Promise<Message> {
  const pending = reply.metadata?.pendingAction as { id: string } | undefined;
  assert.ok(pending, `expected a pending action in: ${reply.content}`);
  const res = await api.post(`/api/actions/${pending.id}/confirm`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.reply as Message;
}

async function events(api: Api, from = '2026-11-29T00:00:00Z', to = '2027-01-31T00:00:00Z'): Promise<CalendarEvent[]> {
  return (await api.get(`/api/calendar/events?from=${from}&to=${to}`)).body.events;
}

const local = (iso: string, tz: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: tz, dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));

for (const tz of ZONES) {
  describe(`@cal in ${tz}`, () => {
    let api: Api;
    before(async () => {
      api = await newUser(tz);
    });

    it('when asked to add "haircut next Thursday at 10", then it is added at 10:00 local', async () => {
      const reply = await say(api, '@cal add haircut next Thursday at 10');
      assert.equal(reply.content, 'Added **Haircut** — Thu 3 Dec, 10:00–11:00.');
      const [haircut] = await events(api);
      assert.equal(local(haircut!.start, tz), '2026-12-03 10:00');
    });

    it('when asked to schedule a 20-minute bank call on Dec 12 at 14:30, then its end is 14:50', async () => {
      const reply = await say(api, '@cal schedule a call with the bank on Dec 12 at 14:30 for 20 minutes');
      assert.equal(reply.content, 'Added **Call with the bank** — Sat 12 Dec, 14:30–14:50.');
    });

    it('when told "meeting with Jo tomorrow 4-5pm", then the meeting is added for that hour', async () => {
      const reply = await say(api, '@cal meeting with Jo tomorrow 4-5pm');
      assert.equal(reply.content, 'Added **Meeting with Jo** — Mon 30 Nov, 16:00–17:00.');
    });

    it('when told "piano lesson every Tuesday at 17:00", then a weekly series starts on the next Tuesday', async () => {
      const reply = await say(api, '@cal piano lesson every Tuesday at 17:00');
      assert.equal(reply.content, 'Added **Piano lesson** — every Tuesday, 17:00–18:00, from Tue 1 Dec.');
      const piano = (await events(api)).filter((e) => e.title === 'Piano lesson');
      assert.equal(piano.length, 9);
      assert.ok(piano.every((e) => local(e.start, tz).endsWith('17:00')));
      assert.equal(piano[0]!.recurrence, 'FREQ=WEEKLY;BYDAY=TU');
    });

    it('when asked "what\'s my week look like", then the week\'s events are listed by day', async () => {
      const reply = await say(api, "@cal what's my week look like");
      assert.equal(
        reply.content,
        'This week: 3 events.\n**Mon 30 Nov**\n- 16:00–17:00 **Meeting with Jo**\n**Tue 1 Dec**\n- 17:00–18:00 **Piano lesson**\n**Thu 3 Dec**\n- 10:00–11:00 **Haircut**',
      );
    });

    it('when asked about Monday morning and today, then it says there is nothing', async () => {
      assert.equal((await say(api, '@cal do I have anything on Monday morning')).content, 'Nothing on your calendar tomorrow morning.');
      assert.equal((await say(api, '@cal anything today?')).content, 'Nothing on your calendar today.');
    });

    it('when asked "when is my haircut?", then it answers with the day and time', async () => {
      assert.equal((await say(api, '@cal when is my haircut?')).content, '**Haircut** is on Thu 3 Dec, 10:00–11:00.');
      assert.equal(
        (await say(api, '@cal when do I have piano')).content,
        '**Piano lesson** is every Tuesday, 17:00–18:00; next on Tue 1 Dec, 17:00–18:00.',
      );
    });

    it('when asked "am I free on Thursday at 10:30?", then it names the conflict and suggests free time', async () => {
      const reply = await say(api, '@cal am I free on Thursday at 10:30?');
      assert.equal(reply.content, 'No — on Thu 3 Dec at 10:30 you have **Haircut** (10:00–11:00). Free that day: 09:00–10:00, 11:00–18:00.');
      assert.equal((await say(api, '@cal am I free on Thursday at 15:00?')).content, "Yes — you're free on Thu 3 Dec at 15:00.");
    });

    it('when asked "when am I free tomorrow afternoon?", then it lists the gaps and what is busy', async () => {
      const reply = await say(api, '@cal when am I free tomorrow afternoon?');
      assert.equal(reply.content, "Tomorrow afternoon you're free: 12:00–16:00, 17:00–18:00.\nBusy: **Meeting with Jo** 16:00–17:00.");
    });

    it('when asked to move the haircut to 11, then it asks for confirmation and moves it once confirmed', async () => {
      const reply = await say(api, '@cal move the haircut to 11');
      assert.equal(reply.content, 'Move **Haircut** from Thu 3 Dec, 10:00–11:00 to Thu 3 Dec, 11:00–12:00?\nConfirm to go ahead.');
      assert.equal(local((await events(api)).find((e) => e.title === 'Haircut')!.start, tz), '2026-12-03 10:00', 'nothing changes before confirming');
      const done = await confirm(api, reply);
      assert.equal(done.content, 'Moved **Haircut** — Thu 3 Dec, 11:00–12:00.');
      assert.equal(local((await events(api)).find((e) => e.title === 'Haircut')!.start, tz), '2026-12-03 11:00');
    });

    it('when asked to push the bank call by 30 minutes, then it is confirmed and moved', async () => {
      const reply = await say(api, '@cal push the bank call by 30 minutes');
      assert.match(reply.content, /^Move \*\*Call with the bank\*\* from Sat 12 Dec, 14:30–14:50 to Sat 12 Dec, 15:00–15:20\?/);
      assert.equal((await confirm(api, reply)).content, 'Moved **Call with the bank** — Sat 12 Dec, 15:00–15:20.');
    });

    it('when asked to delete the bank call, then it is deleted only after confirmation', async () => {
      const reply = await say(api, '@cal delete the bank call');
      assert.equal(reply.content, 'Delete **Call with the bank** — Sat 12 Dec, 15:00–15:20?\nConfirm to go ahead.');
      assert.ok((await events(api)).some((e) => e.title === 'Call with the bank'));
      assert.equal((await confirm(api, reply)).content, 'Deleted **Call with the bank** (Sat 12 Dec, 15:00–15:20).');
      assert.ok(!(await events(api)).some((e) => e.title === 'Call with the bank'));
    });
  });
}

describe('@cal asks when it is not sure', () => {
  it('when two events match, then it lists them and acts on the one the user picks', async () => {
    const api = await newUser('Europe/Berlin');
    await say(api, '@cal meeting with Jo tomorrow 4-5pm');
    await say(api, '@cal team meeting on Tuesday at 9');
    const ask = await say(api, '@cal move the meeting to 3pm');
    assert.equal(
      ask.content,
      'Which one do you mean?\n1. **Meeting with Jo** — Mon 30 Nov, 16:00–17:00\n2. **Team meeting** — Tue 1 Dec, 09:00–10:00\nReply with its number, e.g. "1", or "the one on Mon".',
    );
    assert.equal(ask.metadata?.pendingAction, undefined);
    const proposal = await say(api, '@cal 2');
    assert.equal(proposal.content, 'Move **Team meeting** from Tue 1 Dec, 09:00–10:00 to Tue 1 Dec, 15:00–16:00?\nConfirm to go ahead.');
    assert.equal((await confirm(api, proposal)).content, 'Moved **Team meeting** — Tue 1 Dec, 15:00–16:00.');
  });

  it('when a move would overlap another event, then the proposal says so', async () => {
    const api = await newUser('Europe/Berlin');
    await say(api, '@cal add haircut next Thursday at 10');
    await say(api, '@cal add lunch with Sam on Thursday at 12');
    const reply = await say(api, '@cal move the haircut to 12');
    assert.match(reply.content, /Heads-up: that overlaps \*\*Lunch with Sam\*\* \(Thu 3 Dec, 12:00–13:00\)\./);
  });

  it('when the user cancels a proposal, then nothing changes', async () => {
    const api = await newUser('Europe/Berlin');
    await say(api, '@cal add haircut next Thursday at 10');
    const reply = await say(api, '@cal delete my haircut');
    const pending = reply.metadata!.pendingAction as { id: string };
    const res = await api.post(`/api/actions/${pending.id}/cancel`);
    assert.equal(res.status, 200);
    assert.equal((await events(api)).length, 1);
    assert.equal((await api.post(`/api/actions/${pending.id}/confirm`)).status, 409);
  });

  it('when nothing can be understood, then it says what it can do', async () => {
    const api = await newUser('Europe/Berlin');
    const reply = await say(api, '@cal hello there');
    assert.match(reply.content, /^I look after your calendar\. For example:/);
    assert.match(reply.content, /add haircut next Thursday at 10/);
    assert.equal((await say(api, '@cal add dentist')).content, 'When should I put **Dentist**? For example: "add dentist next Friday at 11".');
  });

  it('when a title is longer than an event title may be, then it is cut to fit', async () => {
    const api = await newUser('Europe/Berlin');
    const reply = await say(api, `@cal add ${'very long planning session '.repeat(30)}tomorrow at 10`);
    assert.match(reply.content, /^Added \*\*Very long planning session/);
    const [event] = await events(api);
    assert.equal(event!.title.length, 500);
  });

  it('when the event is not there, then it says so', async () => {
    const api = await newUser('Europe/Berlin');
    assert.match((await say(api, '@cal when is my haircut?')).content, /^I couldn't find \*\*haircut\*\* on your calendar\./);
    assert.match((await say(api, '@cal delete the bank call')).content, /^I couldn't find \*\*bank call\*\*/);
  });

  it('when one occurrence of a series is deleted by day, then the others stay', async () => {
    const api = await newUser('Europe/Berlin');
    await say(api, '@cal piano lesson every Tuesday at 17:00');
    const reply = await say(api, '@cal delete the piano lesson on Tuesday');
    assert.equal(reply.content, 'Delete **Piano lesson** — Tue 1 Dec, 17:00–18:00 (only this occurrence)?\nConfirm to go ahead.');
    await confirm(api, reply);
    const piano = await events(api, '2026-11-29T00:00:00Z', '2026-12-16T00:00:00Z');
    assert.deepEqual(piano.map((e) => e.start), ['2026-12-08T16:00:00.000Z', '2026-12-15T16:00:00.000Z']);
  });
});

describe('@cal across a daylight-saving change', () => {
  it('when events are added before the spring change in Berlin, then they keep their wall-clock time after it', async () => {
    const api = await newUser('Europe/Berlin');
    server.clock.now = new Date('2026-03-27T09:00:00Z'); // Fri 27 Mar, 10:00 CET; clocks change on Sun 29 Mar
    try {
      assert.equal((await say(api, '@cal yoga on Monday at 9')).content, 'Added **Yoga** — Mon 30 Mar, 09:00–10:00.');
      assert.equal((await say(api, '@cal piano every Friday at 17:00')).content, 'Added **Piano** — every Friday, 17:00–18:00, from Fri 27 Mar.');
      const list = await events(api, '2026-03-27T00:00:00Z', '2026-04-04T00:00:00Z');
      assert.deepEqual(
        list.map((e) => [e.title, e.start]),
        [
          ['Piano', '2026-03-27T16:00:00.000Z'],
          ['Yoga', '2026-03-30T07:00:00.000Z'],
          ['Piano', '2026-04-03T15:00:00.000Z'],
        ],
      );
      const agenda = await say(api, '@cal what does next week look like');
      assert.match(agenda.content, /\*\*Mon 30 Mar\*\*\n- 09:00–10:00 \*\*Yoga\*\*/);
      assert.match(agenda.content, /\*\*Fri 3 Apr\*\*\n- 17:00–18:00 \*\*Piano\*\*/);
    } finally {
      server.clock.now = NOW;
    }
  });

  it('when an event is moved across the autumn change in Los Angeles, then it keeps its clock time', async () => {
    const api = await newUser('America/Los_Angeles');
    server.clock.now = new Date('2026-10-30T17:00:00Z'); // Fri 30 Oct, 10:00 PDT; clocks change on Sun 1 Nov
    try {
      await say(api, '@cal dentist tomorrow at 9am');
      const reply = await say(api, '@cal move the dentist to Monday');
      assert.equal(reply.content, 'Move **Dentist** from Sat 31 Oct, 09:00–10:00 to Mon 2 Nov, 09:00–10:00?\nConfirm to go ahead.');
      await confirm(api, reply);
      const [dentist] = await events(api, '2026-10-30T00:00:00Z', '2026-11-05T00:00:00Z');
      assert.equal(dentist!.start, '2026-11-02T17:00:00.000Z');
    } finally {
      server.clock.now = NOW;
    }
  });
});
