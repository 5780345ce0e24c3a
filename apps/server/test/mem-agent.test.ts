// @mem through the chat, with the built-in engine (no model configured): each
// phrasing, recall that admits not knowing, knowledge updates, corrections,
// forgetting only after confirmation, provenance and isolation between users.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoriesResponse, MemReplyMetadata, MessagePair, type Memory } from '@lifeos/contract';
import { as, registerUser } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

type Api = ReturnType<typeof as>;

async function newUser() {
  const user = await registerUser(server.url);
  return { user, api: as(server.url, user.accessToken) };
}

async function say(api: Api, content: string) {
  const res = await api.post('/api/messages', { content });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const pair = MessagePair.parse(res.body);
  assert.equal(pair.reply.agentName, '@mem');
  const meta = pair.reply.metadata?.memory ? MemReplyMetadata.parse(pair.reply.metadata.memory) : undefined;
  const pending = pair.reply.metadata?.pendingAction as { id: string; kind: string; summary: string } | undefined;
  return { ...pair, text: pair.reply.content, meta, pending };
}

const memories = async (api: Api): Promise<Memory[]> => MemoriesResponse.parse((await api.get('/api/memories?limit=100')).body).memories;

describe('@mem remembers', () => {
  const explicit: [string, string][] = [
    ['@mem remember that my dentist is Dr. Weiss', 'my dentist is Dr. Weiss'],
    ['@mem remember: the spare key is under the blue pot', 'the spare key is under the blue pot'],
    ['@mem note: the gym locker code is 4711', 'the gym locker code is 4711'],
    ['@mem save this: Anna’s birthday is on 3 May', "Anna's birthday is on 3 May"],
    ['@mem my dentist is Dr. Weiss', 'my dentist is Dr. Weiss'],
    ["@mem I'm allergic to penicillin", "I'm allergic to penicillin"],
    ['@mem I like my coffee black', 'I like my coffee black'],
    ['Please @mem keep in mind that I hate cilantro', 'I hate cilantro'],
  ];
  for (const [content, fact] of explicit) {
    it(`when told "${content}", then it stores "${fact}" linked to that message and says so`, async () => {
      const { api } = await newUser();
      const r = await say(api, content);
      assert.equal(r.text, `Got it — I'll remember: “${fact}”.`);
      assert.equal(r.meta?.kind, 'stored');
      const [stored] = await memories(api);
      assert.equal(stored?.content, fact);
      assert.equal(stored?.sourceMessageId, r.message.id, 'provenance: the user message it came from');
      assert.equal(r.meta?.memories[0]?.id, stored?.id);
    });
  }

  it('when told the same fact twice, then it is stored once', async () => {
    const { api } = await newUser();
    await say(api, '@mem my dentist is Dr. Weiss');
    const again = await say(api, '@mem remember that my dentist is Dr. Weiss.');
    assert.match(again.text, /^I already knew that: “my dentist is Dr. Weiss”/);
    assert.equal((await memories(api)).length, 1);
  });

  it('when a new fact has the same subject as an old one, then it replaces it and the reply shows what changed', async () => {
    const { api } = await newUser();
    await say(api, "@mem my sister's name is Lena");
    await say(api, '@mem I like my coffee black');
    const update = await say(api, "@mem my sister's name is Lea");
    assert.equal(update.text, 'Updated: “my sister\'s name is Lea” (before: “my sister\'s name is Lena”).');
    assert.equal(update.meta?.kind, 'updated');
    assert.equal(update.meta?.previousContent, "my sister's name is Lena");
    const all = await memories(api);
    assert.deepEqual(all.map((m) => m.content).sort(), ['I like my coffee black', "my sister's name is Lea"]);
    assert.equal(all.find((m) => m.content.includes('Lea'))?.sourceMessageId, update.message.id, 'the provenance moves to the message that updated it');
    assert.match((await say(api, "@mem what's my sister's name?")).text, /^Your sister's name is Lea\./);
  });
});

describe('@mem recalls', () => {
  it('when asked in other words, then it answers directly from the best memory and says when it was told', async () => {
    const { api } = await newUser();
    for (const fact of ['my dentist is Dr. Weiss', "I'm allergic to penicillin", 'I like my coffee black', 'the wifi password is on the router', 'my brother lives in Hamburg']) {
      await say(api, `@mem ${fact}`);
    }
    const cases: [string, string][] = [
      ["@mem what's my dentist's name?", 'Your dentist is Dr. Weiss.'],
      ['@mem what am I allergic to?', "You're allergic to penicillin."],
      ['@mem how do I take my coffee?', 'You like your coffee black.'],
      ['@mem where does my brother live?', 'Your brother lives in Hamburg.'],
      ['@mem dentist', 'Your dentist is Dr. Weiss.'],
    ];
    for (const [question, answer] of cases) {
      const r = await say(api, question);
      const [first, second] = r.text.split('\n');
      assert.equal(first, answer, question);
      assert.match(second ?? '', /^\(You told me on \d{1,2} \w{3}( \d{4})?\.\)$/, question);
      assert.equal(r.meta?.kind, 'recalled');
    }
  });

  it('when nothing matches well, then it says it does not know instead of guessing', async () => {
    const { api } = await newUser();
    const empty = await say(api, "@mem what's my cat's name?");
    assert.match(empty.text, /^I don't know yet — you haven't told me anything so far\./);
    await say(api, '@mem my dentist is Dr. Weiss');
    await say(api, "@mem my sister's name is Lea");
    for (const question of ["@mem what's my cat's name?", "@mem when is my sister's birthday?", '@mem what is my passport number?']) {
      const r = await say(api, question);
      assert.match(r.text, /^I don't know — nothing you've told me answers that\./, question);
      assert.equal(r.meta?.kind, 'not_found');
      assert.doesNotMatch(r.text.split('\n')[0]!, /Lea|Weiss/, 'no guess in the answer');
    }
    const partial = await say(api, "@mem when is my sister's birthday?");
    assert.equal(partial.text.split('\n')[1], 'The closest I have is “my sister\'s name is Lea”, but it doesn\'t answer the question.');
  });

  it('when asked what it knows, then it lists the newest first with the total and a hint', async () => {
    const { api } = await newUser();
    const none = await say(api, '@mem what do you know about me?');
    assert.match(none.text, /^I don't know anything about you yet\./);
    for (let i = 1; i <= 12; i++) await say(api, `@mem remember: fact number ${i} is about topic${i}`);
    const r = await say(api, '@mem what do you know about me?');
    const lines = r.text.split('\n');
    assert.equal(lines[0], 'I remember 12 things about you; the 10 newest:');
    assert.match(lines[1]!, /^1\. fact number 12 is about topic12 \(/);
    assert.match(lines[10]!, /^10\. fact number 3 is about topic3 \(/);
    assert.equal(lines[11], 'Say "@mem show all memories" to see all 12, or open Memories in the app.');
    assert.equal(r.meta?.total, 12);
    const all = await say(api, '@mem show all memories');
    assert.equal(all.text.split('\n')[0], 'I remember 12 things about you (newest first):');
  });
});

describe('@mem corrects', () => {
  it('when the user says "actually …", then the matching memory is updated and the reply shows before and after', async () => {
    const { api } = await newUser();
    await say(api, '@mem my dentist is Dr. Weiss');
    await say(api, '@mem I like my coffee black');
    const r = await say(api, '@mem actually my dentist is Dr. Roth');
    assert.equal(r.text, 'Updated: “my dentist is Dr. Roth” (before: “my dentist is Dr. Weiss”).');
    assert.deepEqual((await memories(api)).map((m) => m.content).sort(), ['I like my coffee black', 'my dentist is Dr. Roth']);
    const coffee = await say(api, '@mem actually I take my coffee with oat milk');
    assert.equal(coffee.text, 'Updated: “I take my coffee with oat milk” (before: “I like my coffee black”).');
    assert.match((await say(api, "@mem what's my dentist's name?")).text, /^Your dentist is Dr\. Roth\./);
    const value = await say(api, "@mem no, it's Dr. Berg");
    assert.equal(value.text, 'Updated: “my dentist is Dr. Berg” (before: “my dentist is Dr. Roth”).');
  });

  it('when the user moves, then where they live is replaced', async () => {
    const { api } = await newUser();
    await say(api, '@mem I live in Berlin');
    const r = await say(api, "@mem I've just moved to Leipzig");
    assert.equal(r.text, 'Updated: “I\'ve just moved to Leipzig” (before: “I live in Berlin”).');
    assert.deepEqual((await memories(api)).map((m) => m.content), ["I've just moved to Leipzig"]);
  });

  it('when a correction matches nothing, then it is stored as a new memory', async () => {
    const { api } = await newUser();
    const r = await say(api, '@mem actually my gym is FitX on Main Street');
    assert.equal(r.text, 'I had nothing on that yet, so I saved it: “my gym is FitX on Main Street”.');
    assert.equal((await memories(api)).length, 1);
  });
});

describe('@mem forgets', () => {
  it('when asked to forget, then it proposes, deletes only on confirmation, and a second confirmation is refused', async () => {
    const { api } = await newUser();
    await say(api, '@mem my dentist is Dr. Weiss');
    await say(api, '@mem I like my coffee black');
    const r = await say(api, '@mem forget my dentist');
    assert.equal(r.text, 'I\'ll forget “my dentist is Dr. Weiss” once you confirm.');
    assert.equal(r.pending?.kind, 'mem.forget');
    assert.equal(r.pending?.summary, 'Forget: “my dentist is Dr. Weiss”');
    assert.equal((await memories(api)).length, 2, 'nothing is deleted before the confirmation');

    const confirmed = await api.post(`/api/actions/${r.pending!.id}/confirm`);
    assert.equal(confirmed.status, 200);
    assert.equal(confirmed.body.reply.content, 'Forgotten: “my dentist is Dr. Weiss”.');
    assert.deepEqual((await memories(api)).map((m) => m.content), ['I like my coffee black']);
    assert.equal((await api.post(`/api/actions/${r.pending!.id}/confirm`)).status, 409);
    assert.match((await say(api, "@mem what's my dentist's name?")).text, /^I don't know/);
  });

  it('when the forget is cancelled, then the memory stays', async () => {
    const { api } = await newUser();
    await say(api, '@mem I like my coffee black');
    const r = await say(api, '@mem delete the note about the coffee');
    assert.equal(r.pending?.summary, 'Forget: “I like my coffee black”');
    assert.equal((await api.post(`/api/actions/${r.pending!.id}/cancel`)).status, 200);
    assert.equal((await memories(api)).length, 1);
  });

  it('when several memories match, then it asks which, and a number picks one', async () => {
    const { api } = await newUser();
    await say(api, '@mem I like my coffee black');
    await say(api, '@mem note: coffee beans come from the roastery on Elm Street');
    await say(api, '@mem my dentist is Dr. Weiss');
    const ask = await say(api, '@mem forget the coffee');
    assert.equal(ask.pending, undefined, 'nothing is proposed while it is unclear');
    assert.equal(ask.meta?.kind, 'choose');
    const lines = ask.text.split('\n');
    assert.equal(lines[0], '2 memories match “the coffee” — which one should I forget?');
    assert.equal(lines.length, 4);
    const second = lines[2]!.replace(/^2\. /, '');
    const pick = await say(api, '@mem forget 2');
    assert.equal(pick.pending?.summary, `Forget: “${second}”`);
    await api.post(`/api/actions/${pick.pending!.id}/confirm`);
    assert.equal((await memories(api)).some((m) => m.content === second), false);
    assert.equal((await memories(api)).length, 2);
  });

  it('when a listing is followed by "forget 2", then the second is proposed; a bare number after a listing deletes nothing', async () => {
    const { api } = await newUser();
    await say(api, '@mem my dentist is Dr. Weiss');
    await say(api, '@mem I like my coffee black');
    await say(api, '@mem what do you know about me?');
    const bare = await say(api, '@mem 2');
    assert.equal(bare.pending, undefined);
    const r = await say(api, '@mem forget 2');
    assert.equal(r.pending?.summary, 'Forget: “my dentist is Dr. Weiss”');
  });

  it('when asked to forget "that" right after storing, then the memory just stored is proposed', async () => {
    const { api } = await newUser();
    await say(api, '@mem my locker is number 12');
    const r = await say(api, '@mem forget that');
    assert.equal(r.pending?.summary, 'Forget: “my locker is number 12”');
  });

  it('when asked to forget something unknown, then nothing is proposed', async () => {
    const { api } = await newUser();
    await say(api, '@mem I like my coffee black');
    const r = await say(api, '@mem forget my dentist');
    assert.equal(r.text, 'I have nothing about “my dentist”, so there is nothing to forget.');
    assert.equal(r.pending, undefined);
  });
});

describe('@mem keeps users apart', () => {
  it("when another user asks, searches, corrects or forgets, then they never reach the first user's memories", async () => {
    const alice = await newUser();
    const bob = await newUser();
    await say(alice.api, '@mem my dentist is Dr. Weiss');
    const proposal = await say(alice.api, '@mem forget my dentist');

    assert.match((await say(bob.api, "@mem what's my dentist's name?")).text, /^I don't know yet/);
    assert.match((await say(bob.api, '@mem what do you know about me?')).text, /^I don't know anything about you yet/);
    assert.equal((await say(bob.api, '@mem forget my dentist')).pending, undefined);
    assert.equal((await bob.api.post(`/api/actions/${proposal.pending!.id}/confirm`)).status, 404);
    await say(bob.api, '@mem actually my dentist is Dr. Evil');

    assert.deepEqual((await memories(alice.api)).map((m) => m.content), ['my dentist is Dr. Weiss']);
    assert.deepEqual((await memories(bob.api)).map((m) => m.content), ['my dentist is Dr. Evil']);
  });

  it('when @mem is addressed through /api/agents/mem/chat, then it behaves the same', async () => {
    const { api } = await newUser();
    const res = await api.post('/api/agents/mem/chat', { content: 'my bike is a blue Gazelle' });
    assert.equal(res.status, 201);
    assert.equal(res.body.reply.content, 'Got it — I\'ll remember: “my bike is a blue Gazelle”.');
    assert.equal((await memories(api))[0]?.sourceMessageId, res.body.message.id);
  });
});
