// The memory store over real HTTP: REST per API.md, ranking, isolation between
// users, and the in-memory index the ranking runs over, kept in step with the writes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { MemoriesResponse, MemoryResponse } from '@lifeos/contract';
import { MemoryIndexCache, trigrams, trigramSimilarity } from '../src/features/memory/memory-index.ts';
import { deleteAllMemories, deleteMemory, insertMemory, searchMemories, updateMemory } from '../src/features/memory/memory.repo.ts';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

async function newUser() {
  const user = await registerUser(server.url);
  return { user, api: as(server.url, user.accessToken) };
}

async function store(api: ReturnType<typeof as>, ...contents: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const content of contents) {
    const res = await api.post('/api/memories', { content });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids.push(MemoryResponse.parse(res.body).memory.id);
  }
  return ids;
}

const search = async (api: ReturnType<typeof as>, q: string, limit = 10) => {
  const res = await api.get(`/api/memories?q=${encodeURIComponent(q)}&limit=${limit}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return MemoriesResponse.parse(res.body).memories.map((m) => m.content);
};

describe('REST /api/memories', () => {
  it('when memories are created, edited and deleted, then each answer has the contract shape and the list is newest first', async () => {
    const { api } = await newUser();
    const created = await api.post('/api/memories', { content: '  my dentist is Dr. Weiss  ' });
    assert.equal(created.status, 201);
    const memory = MemoryResponse.parse(created.body).memory;
    assert.equal(memory.content, 'my dentist is Dr. Weiss');
    assert.equal(memory.sourceMessageId, null);
    await store(api, 'I like my coffee black');

    const list = MemoriesResponse.parse((await api.get('/api/memories')).body).memories;
    assert.deepEqual(list.map((m) => m.content), ['I like my coffee black', 'my dentist is Dr. Weiss']);

    const patched = await api.patch(`/api/memories/${memory.id}`, { content: 'my dentist is Dr. Roth' });
    assert.equal(patched.status, 200);
    const after = MemoryResponse.parse(patched.body).memory;
    assert.equal(after.content, 'my dentist is Dr. Roth');
    assert.equal(after.createdAt, memory.createdAt);
    assert.ok(after.updatedAt >= memory.updatedAt);

    assert.equal((await api.delete(`/api/memories/${memory.id}`)).status, 204);
    assert.deepEqual((await search(api, 'dentist')), []);
    const again = await api.delete(`/api/memories/${memory.id}`);
    assert.equal(again.status, 404);
    assert.equal(again.body.code, 'not_found');
  });

  it('when a request is malformed, then it is a 400/415 problem and nothing is stored', async () => {
    const { api, user } = await newUser();
    for (const body of [{ content: '' }, { content: '   ' }, { content: 'x'.repeat(10_001) }, {}, { content: 7 }]) {
      const res = await api.post('/api/memories', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 'validation_failed');
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    }
    for (const query of ['limit=0', 'limit=101', 'limit=abc']) assert.equal((await api.get(`/api/memories?${query}`)).status, 400, query);
    assert.equal((await api.patch('/api/memories/not-a-uuid', { content: 'x' })).status, 400);
    const text = await request(server.url, 'POST', '/api/memories', { token: user.accessToken, raw: 'content=x', headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 415);
    assert.equal((await request(server.url, 'GET', '/api/memories')).status, 401);
    assert.deepEqual(MemoriesResponse.parse((await api.get('/api/memories')).body).memories, []);
  });

  it("when a user edits, deletes or searches another user's memories, then it is 404 or nothing, and the owner keeps them", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const [id] = await store(alice.api, 'the safe code is 7731 zebra');
    for (const res of [await bob.api.patch(`/api/memories/${id}`, { content: 'hacked' }), await bob.api.delete(`/api/memories/${id}`)]) {
      assert.equal(res.status, 404);
      assert.equal(res.body.code, 'not_found');
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    }
    assert.deepEqual(await search(bob.api, 'safe code zebra'), []);
    assert.deepEqual(MemoriesResponse.parse((await bob.api.get('/api/memories')).body).memories, []);
    assert.deepEqual(await search(alice.api, 'safe code zebra'), ['the safe code is 7731 zebra']);
  });

  it('when the account is exported, then its memories are in it, and only its own', async () => {
    const alice = await newUser();
    const bob = await newUser();
    await store(alice.api, 'my dentist is Dr. Weiss');
    await store(bob.api, 'my dentist is Dr. Bob');
    const exported = await alice.api.get('/api/account/export');
    assert.equal(exported.status, 200);
    assert.deepEqual(exported.body.memories.map((m: { content: string }) => m.content), ['my dentist is Dr. Weiss']);
  });
});

describe('search ranking', () => {
  it('when a query has a rare and a common word, then the memory with the rare word comes first', async () => {
    const { api } = await newUser();
    await store(api, 'coffee with Anna on Friday', 'the coffee machine is broken', 'coffee beans are in the cupboard', 'I drink coffee every morning', "I'm allergic to penicillin");
    const found = await search(api, 'coffee penicillin');
    assert.equal(found[0], "I'm allergic to penicillin");
    assert.equal(found.length, 5, 'every word is optional: memories with only "coffee" still match');
  });

  it('when a query uses another form of a word, then the stem matches', async () => {
    const { api } = await newUser();
    await store(api, 'I went running with Tom on Sunday', 'Lea painted the garden fence', 'the cat sleeps on the sofa');
    assert.equal((await search(api, 'run'))[0], 'I went running with Tom on Sunday');
    assert.equal((await search(api, 'paintings'))[0], 'Lea painted the garden fence');
  });

  it('when a query has a typo or a misspelt name, then the similar word still matches', async () => {
    const { api } = await newUser();
    await store(api, "I'm allergic to penicillin", 'my dentist is Dr. Weiss', 'Siobhan moved to Galway', 'the bike lock code is 2468');
    assert.equal((await search(api, 'penicilin'))[0], "I'm allergic to penicillin");
    assert.equal((await search(api, 'dentst'))[0], 'my dentist is Dr. Weiss');
    assert.equal((await search(api, 'Dr. Weis'))[0], 'my dentist is Dr. Weiss');
    assert.equal((await search(api, 'where did Siobhann move'))[0], 'Siobhan moved to Galway');
    assert.equal((await search(api, 'Galwey'))[0], 'Siobhan moved to Galway');
  });

  it('when a query or memory holds quotes, backslashes or query operators, then search still works', async () => {
    const { api } = await newUser();
    await store(api, "O'Brien's path is C:\\Users\\ob & the code is a|b!c <-> d", 'an unrelated note');
    for (const q of ["O'Brien's", 'C:\\Users', "a|b!c & <-> ' \" ( ) :*", '!!!', '   ', '🙂']) {
      const res = await api.get(`/api/memories?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200, q);
    }
    assert.match((await search(api, "O'Brien"))[0] ?? '', /^O'Brien's path/);
  });

  it('when two memories match equally, then the newer ranks first', async () => {
    const { user } = await newUser();
    const db = server.ctx.db;
    const old = await insertMemory(db, { userId: user.user.id, content: 'parking spot is B12', createdAt: new Date(Date.now() - 120 * 86_400_000) });
    const recent = await insertMemory(db, { userId: user.user.id, content: 'parking spot is C7', createdAt: new Date(Date.now() - 86_400_000) });
    const hits = await searchMemories(db, server.ctx.memoryIndex, { userId: user.user.id, query: 'parking spot', limit: 5 });
    assert.deepEqual(hits.map((h) => h.id), [recent.id, old.id]);
    assert.ok(hits[0]!.score > hits[1]!.score, 'the boost is in the score, not only the tie-break');
    assert.ok(hits[0]!.score < hits[1]!.score * 1.11, 'and it is mild');
  });

  it('when a memory was stored right after a question that matches, then it ranks with the question (it is its answer)', async () => {
    const { user } = await newUser();
    const db = server.ctx.db;
    const t0 = Date.now() - 3_600_000;
    const at = (s: number) => new Date(t0 + s * 1000);
    await insertMemory(db, { userId: user.user.id, content: 'Jo: what is the name of your new dog?', createdAt: at(0) });
    const answer = await insertMemory(db, { userId: user.user.id, content: 'Sam: Bello! He is a beagle.', createdAt: at(30) });
    await insertMemory(db, { userId: user.user.id, content: 'Sam: we walked along the river', createdAt: new Date(t0 - 86_400_000) });
    const hits = await searchMemories(db, server.ctx.memoryIndex, { userId: user.user.id, query: "What is the dog's name?", limit: 5 });
    const rank = hits.findIndex((h) => h.id === answer.id);
    assert.ok(rank === 0 || rank === 1, `the answer is one of the first two (at ${rank})`);
    assert.equal(hits[rank]?.coverage, 0, 'it is there as context, not as a match');
    assert.equal(hits.length, 2, 'the unrelated memory of another day is not');
  });

  it('when memories are created, edited and deleted, also at once, then the index kept in step ranks as one read afresh', async () => {
    const { api, user } = await newUser();
    const userId = user.user.id;
    const ids = await store(api, 'my dentist is Dr. Weiss', 'dentist appointment on Friday?', 'I like my coffee black');
    await search(api, 'dentist'); // this instance now holds the user's index and moves it on with each write
    await api.patch(`/api/memories/${ids[0]}`, { content: 'my dentist is Dr. Roth in Leipzig' });
    await api.delete(`/api/memories/${ids[2]}`);
    await Promise.all([store(api, 'coffee with Anna'), store(api, 'Anna likes tea'), api.delete(`/api/memories/${ids[1]}`), search(api, 'Anna')]);
    await store(api, 'tea with Dr. Roth on Friday');
    const version = Number(
      ((await server.ctx.db.execute(sql`SELECT version FROM memory_stats WHERE user_id = ${userId}`)) as unknown as { rows: { version: unknown }[] }).rows[0]!.version,
    );
    const held = server.ctx.memoryIndex.get(userId, version);
    assert.ok(held, 'the writes were applied in place, not left for a reload');
    const fresh = new MemoryIndexCache();
    const now = new Date();
    for (const query of ['dentist', 'Roth Leipzig', 'coffee', 'Anna tea', 'Friday', 'Weiss', 'black coffee']) {
      const kept = await searchMemories(server.ctx.db, server.ctx.memoryIndex, { userId, query, limit: 10, now });
      const read = await searchMemories(server.ctx.db, fresh, { userId, query, limit: 10, now });
      assert.deepEqual(
        kept.map((h) => [h.content, h.score.toFixed(9), h.coverage.toFixed(9)]),
        read.map((h) => [h.content, h.score.toFixed(9), h.coverage.toFixed(9)]),
        query,
      );
    }
    const loaded = fresh.get(userId, version)!;
    const terms = (i: { postings: Map<string, { docs: { id: string }[] }> }) =>
      [...i.postings].map(([term, p]) => [term, p.docs.map((d) => d.id).sort()] as const).sort(([a], [b]) => (a < b ? -1 : 1));
    assert.deepEqual(terms(held), terms(loaded));
    assert.deepEqual(held.timeline.map((m) => m.id), loaded.timeline.map((m) => m.id));
    assert.equal(held.tokens, loaded.tokens);
  });

  it('when a question asks when, then the memory that says when comes before one that only names the subject', async () => {
    const cases: [string, string, string][] = [
      ['I got my bike from the shop in town last spring', 'my bike is red', 'when did I get my bike?'],
      ['I got my bike from the shop in town last spring', 'my bike is red', 'since when do I have the bike?'],
      ['I moved to Berlin with all my furniture in 2019', 'moving around Berlin is easy', 'what year did I move to Berlin?'],
      ['I started working at the corner bakery three weeks ago', 'the bakery started', 'how long ago did I start at the bakery?'],
      ['my sister visited us with her two dogs on Saturday', 'my sister visited', 'which day did my sister visit?'],
    ];
    const day = 86_400_000;
    for (const [says, names, question] of cases) {
      const { api, user } = await newUser();
      // The one that only names the subject is shorter and newer, and of another day: by words alone it would come first.
      await insertMemory(server.ctx.db, { userId: user.user.id, content: says, createdAt: new Date(Date.now() - 30 * day) }, server.ctx.memoryIndex);
      await insertMemory(server.ctx.db, { userId: user.user.id, content: names, createdAt: new Date(Date.now() - day) }, server.ctx.memoryIndex);
      assert.equal((await search(api, question))[0], says, question);
      assert.equal((await search(api, question.replace(/^(when|since when|what year|how long ago|which day)\b/i, 'why')))[0], names, `${question} (asked why)`);
    }
  });

  it('when vocabulary terms are compared for fuzzy matching, then the similarity is pg_trgm\'s', async () => {
    const pairs: [string, string][] = [
      ['pasport', 'passport'], ['email', 'e-mail'], ['bicycl', 'bike'], ['leipzig', 'leipzg'], ['colour', 'color'],
      ['münchen', 'munchen'], ['3.5', '35'], ['o\'brien', 'obrien'], ['straße', 'strasse'], ['nurs', 'nursing'], ['a', 'ab'], ['', 'x'],
    ];
    for (const [a, b] of pairs) {
      const result = await server.ctx.db.execute(sql`SELECT similarity(${a}, ${b})::float8 AS s`);
      const expected = Number((result as unknown as { rows: { s: number }[] }).rows[0]!.s);
      assert.equal(trigramSimilarity(trigrams(a), trigrams(b)), expected, `${a} / ${b}`);
    }
  });

  it('when another instance writes the memories, then the next search here sees what it wrote', async () => {
    const { api, user } = await newUser();
    const userId = user.user.id;
    const [id] = await store(api, 'the spare key is under the blue pot');
    assert.deepEqual(await search(api, 'spare key'), ['the spare key is under the blue pot']);
    // Another instance: the same database, its own index cache.
    const other = new MemoryIndexCache();
    await updateMemory(server.ctx.db, { userId, id: id!, content: 'the spare key is with the neighbour' }, other);
    await insertMemory(server.ctx.db, { userId, content: 'the spare tyre is in the boot' }, other);
    assert.deepEqual(await search(api, 'spare key'), ['the spare key is with the neighbour', 'the spare tyre is in the boot']);
    assert.deepEqual(await search(api, 'blue pot'), []);
    await deleteMemory(server.ctx.db, userId, id!, other);
    assert.deepEqual(await search(api, 'spare key'), ['the spare tyre is in the boot']);
  });

  it('when a memory is edited or deleted, then search finds it by its new words only, and not at all once deleted', async () => {
    const { api, user } = await newUser();
    const [id] = await store(api, 'my dentist is Dr. Weiss');
    await api.patch(`/api/memories/${id}`, { content: 'my orthodontist is Dr. Roth' });
    assert.deepEqual(await search(api, 'Weiss'), []);
    assert.deepEqual(await search(api, 'orthodontist Roth'), ['my orthodontist is Dr. Roth']);
    await api.delete(`/api/memories/${id}`);
    assert.deepEqual(await search(api, 'orthodontist Roth'), []);
    await store(api, 'the gym opens at six');
    assert.equal(await deleteAllMemories(server.ctx.db, user.user.id), 1);
    assert.deepEqual(await search(api, 'gym'), []);
  });
});
