import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type IndexedMemory, MemoryIndexCache, rankMemories, UserMemoryIndex } from './memory-index.ts';
import { defaultSearchTuning } from './memory.repo.ts';

const MIN = 60_000_000;
let seq = 0;
const memory = (terms: string[], minute: number, extra: Partial<IndexedMemory> = {}): IndexedMemory => ({
  id: `00000000-0000-0000-0000-${String(++seq).padStart(12, '0')}`,
  created: 1_700_000_000_000_000 + minute * MIN,
  updated: 1_700_000_000_000_000 + minute * MIN,
  question: false,
  terms,
  ...extra,
});

const rank = (index: UserMemoryIndex, terms: string[], limit = 10, asksWhen = false, asksForSeveral = false) =>
  rankMemories(
    index,
    { terms, related: [], optional: new Set(), period: null, asksWhen, asksForSeveral, now: 1_700_000_000_000_000 + 10_000 * MIN, limit },
    defaultSearchTuning,
  );

describe('memory index', () => {
  it('when memories are added and removed one by one, then the index equals one built from what is left', () => {
    const a = memory(['dentist', 'weiss'], 0);
    const b = memory(['dentist', 'friday'], 1);
    const c = memory(['coffe', 'black'], 1);
    const d = memory(['anna', 'tea'], 5);
    const kept = new UserMemoryIndex(1);
    for (const m of [d, b, a, c]) kept.add(m);
    kept.remove(b.id);
    kept.add({ ...a, terms: ['dentist', 'roth'] });
    const built = UserMemoryIndex.build(1, [{ ...a, terms: ['dentist', 'roth'] }, c, d]);
    const view = (i: UserMemoryIndex) => [...i.postings].map(([t, p]) => [t, p.docs.map((m) => m.id).sort()]).sort();
    assert.deepEqual(view(kept), view(built));
    assert.deepEqual(kept.timeline.map((m) => m.id), built.timeline.map((m) => m.id));
    assert.equal(kept.tokens, 6);
    assert.deepEqual([...(kept.byInitial.get('w') ?? [])], [], 'a term no memory holds leaves the vocabulary');
  });

  it('when an index is built in slices (a large user), then it equals one built at once', async () => {
    const memories = Array.from({ length: 50 }, (_, i) => memory([`w${i % 7}`, `v${i % 3}`], 50 - i));
    const sliced = await UserMemoryIndex.buildInSlices(4, memories, 8);
    const whole = UserMemoryIndex.build(4, memories);
    const view = (i: UserMemoryIndex) => [...i.postings].map(([t, p]) => [t, p.docs.map((m) => m.id).sort()]).sort();
    assert.deepEqual(view(sliced), view(whole));
    assert.deepEqual(sliced.timeline.map((m) => m.id), whole.timeline.map((m) => m.id));
    assert.equal(sliced.timeline[0]!.created < sliced.timeline[49]!.created, true, 'oldest first');
  });

  it('when a query term has a typo, then a vocabulary term with the same first letter stands in for it', () => {
    const index = UserMemoryIndex.build(1, [memory(['passport', 'desk'], 0), memory(['car', 'tyre'], 1)]);
    const [hit] = rank(index, ['pasport']);
    assert.deepEqual(hit?.memory.terms, ['passport', 'desk']);
    assert.ok(hit.coverage > 0.5 && hit.coverage < 1, 'a stand-in covers the term by less than itself');
  });

  it('when a match was a question, then the memory stored right after it (its answer) ranks with it, by context only', () => {
    const asked = memory(['name', 'new', 'dog'], 0, { question: true });
    const answer = memory(['bello', 'beagl'], 0.5);
    const index = UserMemoryIndex.build(1, [asked, answer, memory(['walk', 'river'], -2000)]);
    const hits = rank(index, ['dog', 'name']);
    assert.deepEqual(hits.map((h) => h.memory.id).sort(), [asked.id, answer.id].sort(), 'the memory of another day is not there');
    assert.equal(hits.find((h) => h.memory === answer)!.coverage, 0);
    assert.equal(hits.find((h) => h.memory === asked)!.coverage, 1);
    // Without the question before it, the same reply matches nothing.
    assert.deepEqual(rank(UserMemoryIndex.build(1, [answer]), ['dog', 'name']), []);
  });
  it('when a question asks when, then a memory that says when ranks above one that only names the subject', () => {
    const says = memory(['got', 'bike', 'last', 'spring'], 0);
    const names = memory(['bike', 'red', 'fast', 'light'], 5000); // newer, and of another day
    const index = UserMemoryIndex.build(1, [says, names]);
    assert.equal(rank(index, ['bike'], 10, true)[0]?.memory, says);
    assert.equal(rank(index, ['bike'], 10, false)[0]?.memory, names, 'a question that does not ask when keeps the plain order');
    const withYear = memory(['move', 'berlin', '2019'], 2);
    const plain = memory(['berlin', 'move', 'big'], 5000);
    assert.equal(rank(UserMemoryIndex.build(1, [withYear, plain]), ['move', 'berlin'], 10, true)[0]?.memory, withYear);
  });
  it('when a question asks for several things, then the results come from more than one conversation', () => {
    // One evening about books (three turns), and a book mentioned once a week later.
    const evening = [memory(['read', 'book', 'novel', 'club'], 0), memory(['book', 'read', 'chapter'], 1), memory(['book', 'read', 'shelf'], 2)];
    const later = memory(['finish', 'read', 'dune', 'book', 'long', 'trip', 'train'], 7 * 24 * 60);
    const index = UserMemoryIndex.build(1, [...evening, later]);
    const one = rank(index, ['book', 'read'], 3).map((h) => h.memory);
    assert.ok(!one.includes(later), 'asked for one thing, the best conversation fills the places');
    const several = rank(index, ['book', 'read'], 3, false, true).map((h) => h.memory);
    assert.ok(several.includes(later), 'asked for several, the other conversation gets a place');
    assert.equal(several.filter((m) => evening.includes(m)).length, 2);
  });
});

describe('memory index cache', () => {
  it('when a write of this instance follows the version held, then it is applied; after a write elsewhere, the index is not used', () => {
    const cache = new MemoryIndexCache();
    cache.put('u', UserMemoryIndex.build(3, [memory(['tea'], 0)]));
    cache.applyWrite('u', 3, 4, { upsert: memory(['coffe'], 1) });
    assert.equal(cache.get('u', 4)?.size, 2);
    // Version 5 was written by another instance: this one's write to 6 cannot be applied on top of 4.
    cache.applyWrite('u', 5, 6, { clear: true });
    assert.equal(cache.get('u', 6), undefined);
  });

  it('when the version read is older than the index held (a write applied since), then the held index is used', () => {
    const cache = new MemoryIndexCache();
    cache.put('u', UserMemoryIndex.build(7, [memory(['tea'], 0)]));
    assert.equal(cache.get('u', 6)?.version, 7);
    assert.equal(cache.get('u', 8), undefined, 'a newer version than held drops it');
  });

  it('when users hold more postings than the bound, then the least recently used leave first', () => {
    const cache = new MemoryIndexCache(10);
    const user = (n: number) => UserMemoryIndex.build(1, [memory(['a', 'b'], n), memory(['c', 'd'], n + 1)]); // 6 postings each
    cache.put('first', user(0));
    cache.put('second', user(10));
    assert.equal(cache.get('first', 1), undefined);
    cache.put('third', user(20));
    assert.deepEqual(cache.stats(), { users: 1, postings: 6 });
    assert.ok(cache.get('third', 1));
  });

  it('when two searches of one user miss at once, then they share one load', async () => {
    const cache = new MemoryIndexCache();
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return UserMemoryIndex.build(2, [memory(['tea'], 0)]);
    };
    const [a, b] = await Promise.all([cache.obtain('u', 2, load), cache.obtain('u', 2, load)]);
    assert.equal(loads, 1);
    assert.equal(a, b);
  });
});
