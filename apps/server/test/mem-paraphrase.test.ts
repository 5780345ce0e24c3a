// @mem through the chat with the built-in engine: questions in other words than the
// stored fact (synonyms, spelling variants, broader and narrower terms), statements
// of a new value that replace the old one, and requests for the list that are never
// stored as facts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
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
  const meta = pair.reply.metadata?.memory ? MemReplyMetadata.parse(pair.reply.metadata.memory) : undefined;
  return { ...pair, text: pair.reply.content, meta };
}

const memories = async (api: Api): Promise<Memory[]> => MemoriesResponse.parse((await api.get('/api/memories?limit=100')).body).memories;

// Each fact is stored among unrelated ones; the question shares no word with it (or only a variant).
const OTHER_FACTS = ['my dentist is Dr. Weiss', 'I like my coffee black', "my sister's name is Lea", 'the wifi password is on the router'];

/** A new user who told @mem the other facts and then `fact`, asking `question` (as it is written: with or without @mem). */
async function askAfter(fact: string, question: string) {
  const { api } = await newUser();
  for (const other of OTHER_FACTS) await say(api, `@mem ${other}`);
  await say(api, `@mem ${fact}`);
  return say(api, question);
}

/** The reply recalled a memory, and its first line holds the answer. */
function assertRecalled(r: Awaited<ReturnType<typeof say>>, answer: RegExp, label = '') {
  assert.equal(r.meta?.kind, 'recalled', `${label}${r.text}`);
  assert.match(r.text.split('\n')[0]!, answer);
}
const PARAPHRASES: [fact: string, question: string, answer: RegExp][] = [
  ['I relocated to Leipzig in spring', 'which city am I based in?', /Leipzig/],
  ['I moved to Porto last year', 'where do I live?', /Porto/],
  ['my e-mail is jo@example.com', "what's my email?", /jo@example\.com/],
  ['my email is jo@example.com', 'what is my e-mail address?', /jo@example\.com/],
  ['my bicycle is locked in the courtyard', 'where is my bike?', /courtyard/],
  ['my bike is a green Gazelle', 'what bicycle do I have?', /Gazelle/],
  ["I'm allergic to shellfish", 'can I eat shrimp?', /shellfish/],
  ['I work as a nurse', "what's my job?", /nurse/],
  ['I work as a carpenter', 'what is my occupation?', /carpenter/],
  ['my car is a blue Skoda', 'what automobile do I drive?', /Skoda/],
  ['my doctor is Dr. Roth', 'who is my physician?', /Roth/],
  ['my wife is called Mia', "what's my spouse called?", /Mia/],
  ['my flat is on the third floor', 'which floor is my apartment on?', /third floor/],
  ['my favourite film is Alien', "what's my favorite movie?", /Alien/],
  ["my kid's school is the Lindenschule", 'which school does my child go to?', /Lindenschule/],
  ['my passport expires in March 2031', 'when does my passport run out?', /2031/],
  ['my son is called Ben', "what's my boy called?", /Ben/],
  ['my daughter is allergic to peanuts', 'what is my girl allergic to?', /peanuts/],
  ['my lawyer is Ms. Park', 'who is my attorney?', /Park/],
  ['I bought a new couch in May', 'when did I get the sofa?', /couch/],
];

// A question that asks for a kind of thing ("what medicine …") is answered by the memory that
// names an instance of it ("ibuprofen"), with @mem or without a mention.
const INSTANCES: [fact: string, question: string, answer: RegExp][] = [
  ['I take ibuprofen for my knee', 'what medicine do I take?', /ibuprofen/],
  ['I speak Portuguese and Dutch', 'which languages do I know?', /Portuguese/],
  ['I play the cello in an orchestra', 'what instrument do I play?', /cello/],
  ['I hate coriander', 'which herb do I dislike?', /coriander/],
  ['I teach maths at a high school', 'what subject do I teach?', /maths/],
];
// The question's own verb ("use"), a rarer sense of a word ("flat" as in apartment), an amount the memory states.
const SHAPES: [fact: string, question: string, answer: RegExp][] = [
  ['my bank is ING', 'which bank do I use?', /ING/],
  ['my apartment has two bedrooms', 'how many bedrooms does my flat have?', /two/],
  ['I am 34 years old', 'how old am I?', /34/],
];
const ORIGINS: [fact: string, question: string, answer: RegExp][] = [
  ['I was born in Graz', "what's my hometown?", /Graz/],
  ['I was born in Graz', 'where am I from?', /Graz/],
  ['I grew up in Cork', 'where did I grow up?', /Cork/],
  ['I grew up in Cork', 'what is my home town?', /Cork/],
];

describe('@mem answers a question for a kind of thing, about where the user comes from, or shaped by its verb or an amount, from the memory that names it', () => {
  for (const [fact, question, answer] of [...INSTANCES, ...SHAPES, ...ORIGINS]) {
    for (const mention of ['@mem ', '']) {
      it(`when told "${fact}" and asked "${mention}${question}", then it answers from that memory`, async () => {
        assertRecalled(await askAfter(fact, `${mention}${question}`), answer);
      });
    }
  }

  it('when asked what time something is, then the memory that gives the time answers', async () => {
    const { api } = await newUser();
    for (const other of OTHER_FACTS) await say(api, `@mem ${other}`);
    await say(api, '@mem my train leaves at 7:40');
    for (const question of ['@mem what time is my train?', '@mem at what time does my train leave?']) {
      const r = await say(api, question);
      assert.equal(r.meta?.kind, 'recalled', `${question}: ${r.text}`);
      assert.match(r.text, /7:40/);
    }
  });

  it('when asked how old, how many or how long, then the memory that gives the amount answers', async () => {
    const cases: [string, string, RegExp][] = [
      ['my nephew Leo turns 10 in June', 'how old will Leo be?', /10/],
      ['Anna has three kids', 'how many children does Anna have?', /three/],
      ['my commute takes 40 minutes by bike', 'how long is my commute?', /40 minutes/],
    ];
    for (const [fact, question, answer] of cases) assertRecalled(await askAfter(fact, `@mem ${question}`), answer, `${question}: `);
  });

  it('when the calendar has nothing for a question without a mention, then what the user told @mem answers it', async () => {
    const cases: [string, string, RegExp][] = [
      ['my train leaves at 7:40', 'what time is my train?', /7:40/],
      ['my flight to Lisbon is on Friday', 'when is my flight to Lisbon?', /Friday/],
      ['my parents-in-law visit on the first weekend of May', 'when do my parents-in-law visit?', /first weekend of May/],
    ];
    for (const [fact, question, answer] of cases) assertRecalled(await askAfter(fact, question), answer, `${question}: `);
  });

  it('when a question about the user without a mention finds nothing in memory, then the assistant offers what it can do', async () => {
    const { api } = await newUser();
    for (const other of OTHER_FACTS) await say(api, `@mem ${other}`);
    const r = await say(api, 'which languages do I know?');
    assert.equal(r.meta, undefined, r.text);
    assert.match(r.text, /I can look after your calendar/);
  });
});

describe('@mem answers questions asked in other words', () => {
  for (const [fact, question, answer] of PARAPHRASES) {
    it(`when told "${fact}" and asked "${question}", then it answers from that memory`, async () => {
      assertRecalled(await askAfter(fact, `@mem ${question}`), answer);
    });
  }

  it('when nothing stored is about the question, then it still says it does not know', async () => {
    const { api } = await newUser();
    for (const other of OTHER_FACTS) await say(api, `@mem ${other}`);
    await say(api, "@mem I'm allergic to shellfish");
    for (const question of ["@mem when is my sister's birthday?", '@mem what is my passport number?', "@mem what's my cat's name?"]) {
      const r = await say(api, question);
      assert.equal(r.meta?.kind, 'not_found', `${question}: ${r.text}`);
    }
  });
});

describe('@mem replaces a value when told the new one', () => {
  const UPDATES: [old: string, change: string, question: string, now: RegExp, before: RegExp][] = [
    ['my locker number is 118', "my locker number changed, it's 212 now", "what's my locker number?", /212/, /118/],
    ['I live in Leipzig', 'I moved to Porto', 'where do I live?', /Porto/, /Leipzig/],
    ['my phone number is 0151 111', 'my new phone number is 0151 222', 'what is my phone number?', /0151 222/, /0151 111/],
    ['the wifi password is tulip42', 'the wifi password is now orchid7', "what's the wifi password?", /orchid7/, /tulip42/],
    ['my gym is FitX on Main Street', 'I changed my gym to McFit', 'which gym do I go to?', /McFit/, /FitX/],
  ];
  for (const [old, change, question, now, before] of UPDATES) {
    it(`when told "${old}" and then "${change}", then the new value answers and the reply shows before and after`, async () => {
      const { api, user } = await newUser();
      await say(api, '@mem my dentist is Dr. Weiss');
      await say(api, `@mem ${old}`);
      const r = await say(api, `@mem ${change}`);
      assert.equal(r.meta?.kind, 'updated', r.text);
      assert.match(r.text, now);
      assert.match(r.text, before, 'the reply names the old value');
      const all = await memories(api);
      assert.equal(all.length, 2, 'replaced, not stored beside');
      const answer = await say(api, `@mem ${question}`);
      assert.match(answer.text.split('\n')[0]!, now, answer.text);
      assert.doesNotMatch(answer.text, before, 'the old value is not given as an answer');
      const history = await server.ctx.db.execute(sql`SELECT content FROM memory_revisions WHERE user_id = ${user.user.id}`);
      assert.deepEqual(
        (history as unknown as { rows: { content: string }[] }).rows.map((h) => h.content),
        [old],
        'the old value is kept in the history',
      );
    });
  }
});

describe('@mem never stores a request as a fact', () => {
  for (const request of [
    'list everything you remember',
    'show what you know about me',
    'what do you know about me?',
    'show me everything you remember about me',
    'tell me what you know',
    "what's stored about me?",
    'remember: list everything',
  ]) {
    it(`when asked "${request}", then it lists the memories and stores nothing`, async () => {
      const { api } = await newUser();
      await say(api, '@mem my dentist is Dr. Weiss');
      await say(api, '@mem I like my coffee black');
      const r = await say(api, `@mem ${request}`);
      assert.equal(r.meta?.kind, 'listed', r.text);
      assert.match(r.text, /Dr\. Weiss/);
      assert.equal((await memories(api)).length, 2);
    });
  }
});
