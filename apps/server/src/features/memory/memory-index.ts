// The in-memory inverted index of the memory search, and the ranking over it.
//
// A user's memories are few enough to rank in the server (10,000 memories are
// about 120,000 postings, a few megabytes): the index holds, per memory, its
// lexemes (PostgreSQL's English stems, the same `search_vector` the rows carry),
// its times, length and whether it is a question, and nothing a user reads (the
// rows returned are read from the database). It is loaded from the database on
// the first search of a user and kept in step by version: every write of a
// user's memories bumps `memory_stats.version` in its transaction, a search reads
// the version in the same round trip as its stems, and an index of another
// version is not used. Writes made through this instance are applied to the
// index in place after they commit; a write of another instance makes the next
// search here load the user again. The cache is bounded by postings (least
// recently used users leave first).
//
// The ranking is the one documented in docs/memory.md (BM25 over stems with
// per-user IDF, fuzzy and related stand-ins, the period a question names, the
// context of a turn, neighbours in the conversation, the conversation prior,
// recency, the shape of the question). Its work is bounded by the postings of
// the question's terms and at most MAX_CANDIDATES memories ranked.
import type { SearchTuning } from './memory.repo.ts';

/** One memory as the ranking sees it. Times in microseconds since the epoch, as PostgreSQL keeps them. */
export interface IndexedMemory {
  readonly id: string;
  readonly created: number;
  readonly updated: number;
  readonly question: boolean;
  readonly terms: readonly string[];
}

interface Posting {
  readonly term: string;
  readonly docs: IndexedMemory[];
  trigrams?: Set<string>;
}

const byTime = (a: IndexedMemory, b: IndexedMemory) => a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** One user's memories, at one version of them. */
export class UserMemoryIndex {
  readonly docs = new Map<string, IndexedMemory>();
  readonly postings = new Map<string, Posting>();
  /** Terms by their first character: the slice of the vocabulary the fuzzy matcher compares. */
  readonly byInitial = new Map<string, Set<string>>();
  /** Every memory, oldest first (ties by id): the neighbours of a match. */
  readonly timeline: IndexedMemory[] = [];
  tokens = 0;
  version: number;
  private positions: Map<IndexedMemory, number> | undefined;

  constructor(version: number) {
    this.version = version;
  }

  get size(): number {
    return this.docs.size;
  }

  /** Builds an index from rows in any order (one sort instead of one insertion each). */
  static build(version: number, memories: IndexedMemory[]): UserMemoryIndex {
    const index = new UserMemoryIndex(version);
    for (const m of memories) index.addTerms(m);
    index.timeline.push(...memories);
    index.timeline.sort(byTime);
    return index;
  }

  /** The same, giving the event loop back every few thousand memories: a large user does not stall other requests. */
  static async buildInSlices(version: number, memories: IndexedMemory[], slice = 4096): Promise<UserMemoryIndex> {
    const index = new UserMemoryIndex(version);
    for (let i = 0; i < memories.length; i += slice) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      for (const m of memories.slice(i, i + slice)) index.addTerms(m);
    }
    index.timeline.push(...memories);
    index.timeline.sort(byTime);
    return index;
  }

  add(m: IndexedMemory): void {
    this.remove(m.id);
    this.addTerms(m);
    this.timeline.splice(this.lowerBound(m), 0, m);
    this.positions = undefined;
  }

  remove(id: string): void {
    const m = this.docs.get(id);
    if (!m) return;
    this.docs.delete(id);
    this.tokens -= m.terms.length;
    for (const term of m.terms) {
      const p = this.postings.get(term)!;
      const at = p.docs.indexOf(m);
      if (at >= 0) p.docs.splice(at, 1);
      if (p.docs.length === 0) {
        this.postings.delete(term);
        const slice = this.byInitial.get(initial(term));
        slice?.delete(term);
        if (slice?.size === 0) this.byInitial.delete(initial(term));
      }
    }
    const at = this.lowerBound(m);
    for (let i = at; i < this.timeline.length && this.timeline[i]!.created === m.created; i++) {
      if (this.timeline[i] === m) {
        this.timeline.splice(i, 1);
        this.positions = undefined;
        break;
      }
    }
  }

  clear(): void {
    this.docs.clear();
    this.postings.clear();
    this.byInitial.clear();
    this.timeline.length = 0;
    this.positions = undefined;
    this.tokens = 0;
  }

  /** Postings held: what the cache's bound counts. */
  get weight(): number {
    return this.tokens + this.docs.size;
  }

  private addTerms(m: IndexedMemory): void {
    this.docs.set(m.id, m);
    this.tokens += m.terms.length;
    for (const term of m.terms) {
      let p = this.postings.get(term);
      if (!p) {
        p = { term, docs: [] };
        this.postings.set(term, p);
        const first = initial(term);
        let slice = this.byInitial.get(first);
        if (!slice) this.byInitial.set(first, (slice = new Set()));
        slice.add(term);
      }
      p.docs.push(m);
    }
  }

  /** The first position of the timeline whose memory is not `before` the given one. */
  private firstNot(before: (x: IndexedMemory) => boolean): number {
    let lo = 0;
    let hi = this.timeline.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.timeline[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The position of m, or where it would go. */
  private lowerBound(m: IndexedMemory): number {
    return this.firstNot((x) => byTime(x, m) < 0);
  }

  /** The first position whose memory was created after `us` (strictly). */
  upperBoundTime(us: number): number {
    return this.firstNot((x) => x.created <= us);
  }

  /** The first position whose memory was created at `us` or later. */
  lowerBoundTime(us: number): number {
    return this.firstNot((x) => x.created < us);
  }

  /** Where a memory of this index stands in the timeline (rebuilt after a write, on first use). */
  positionOf(m: IndexedMemory): number {
    if (!this.positions) this.positions = new Map(this.timeline.map((x, i) => [x, i]));
    return this.positions.get(m) ?? -1;
  }

  trigramsOf(term: string): Set<string> {
    const p = this.postings.get(term);
    if (!p) return trigrams(term);
    return (p.trigrams ??= trigrams(term));
  }
}

const initial = (term: string) => String.fromCodePoint(term.codePointAt(0) ?? 0);

/** A write that committed: the memory as it is now, one that is gone, or all of the user's memories gone. */
export type MemoryChange = { upsert: IndexedMemory } | { remove: string } | { clear: true };

/** Words stemmed by the database, kept: the same word always stems the same. */
const MAX_STEMS = 50_000;

/** Every user's index on this instance, least recently used first, bounded by the postings they hold. */
export class MemoryIndexCache {
  private readonly users = new Map<string, UserMemoryIndex>();
  private readonly loading = new Map<string, Promise<UserMemoryIndex>>();
  private held = 0;
  /** Stems of single words (ts_lexize with the English stemmer); null for a stop word. */
  readonly stems = new Map<string, string | null>();

  readonly maxPostings: number;

  constructor(maxPostings = 1_000_000) {
    this.maxPostings = maxPostings;
  }

  /**
   * The user's index if this instance holds it at `version` or newer (a write of this instance may
   * have been applied since the version was read); an older one is dropped.
   */
  get(userId: string, version: number): UserMemoryIndex | undefined {
    const index = this.users.get(userId);
    if (!index) return undefined;
    if (index.version < version) {
      this.drop(userId);
      return undefined;
    }
    // Most recently used last.
    this.users.delete(userId);
    this.users.set(userId, index);
    return index;
  }

  /**
   * The user's index at `version` or newer: the one held, else what `load` reads. Concurrent
   * searches of one user share a load when it is recent enough for them.
   */
  async obtain(userId: string, version: number, load: () => Promise<UserMemoryIndex>): Promise<UserMemoryIndex> {
    const held = this.get(userId, version);
    if (held) return held;
    const pending = this.loading.get(userId);
    if (pending) {
      const shared = await pending.catch(() => undefined);
      if (shared && shared.version >= version) return shared;
    }
    const loading = load();
    this.loading.set(userId, loading);
    try {
      const index = await loading;
      // A write of this instance may have moved the held index past what was read.
      const current = this.users.get(userId);
      if (!current || current.version < index.version) this.put(userId, index);
      return index;
    } finally {
      if (this.loading.get(userId) === loading) this.loading.delete(userId);
    }
  }

  put(userId: string, index: UserMemoryIndex): void {
    this.drop(userId);
    this.users.set(userId, index);
    this.held += index.weight;
    // Least recently used first; the user just put stays, however large.
    for (const other of this.users.keys()) {
      if (this.held <= this.maxPostings || other === userId) break;
      this.drop(other);
    }
  }

  drop(userId: string): void {
    const index = this.users.get(userId);
    if (!index) return;
    this.users.delete(userId);
    this.held -= index.weight;
  }

  /**
   * A write of this instance committed, moving the user from version `from` to `to`: applied in
   * place when the index is at `from`; an index that already has it is left alone; any other is dropped.
   */
  applyWrite(userId: string, from: number, to: number, change: MemoryChange): void {
    const index = this.users.get(userId);
    if (!index || index.version >= to) return;
    if (index.version !== from) {
      this.drop(userId);
      return;
    }
    this.held -= index.weight;
    if ('upsert' in change) index.add(change.upsert);
    else if ('remove' in change) index.remove(change.remove);
    else index.clear();
    index.version = to;
    this.held += index.weight;
  }

  rememberStem(word: string, stem: string | null): void {
    if (this.stems.size >= MAX_STEMS) this.stems.delete(this.stems.keys().next().value!);
    this.stems.set(word, stem);
  }

  /** How many users and postings are held (metrics, tests). */
  stats(): { users: number; postings: number } {
    return { users: this.users.size, postings: this.held };
  }
}

// ---- trigram similarity, as pg_trgm computes it ----

/**
 * pg_trgm's trigrams of a string: each run of letters and digits, lower-cased, padded with two
 * spaces before and one after, cut into overlapping triples.
 */
export function trigrams(s: string): Set<string> {
  const out = new Set<string>();
  for (const word of s.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (!word) continue;
    const chars = [' ', ' ', ...word, ' '];
    for (let i = 0; i + 3 <= chars.length; i++) out.add(chars[i]! + chars[i + 1]! + chars[i + 2]!);
  }
  return out;
}

/** pg_trgm's similarity(): shared trigrams over the union, in single precision. */
export function trigramSimilarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return Math.fround(shared / (a.size + b.size - shared));
}

// ---- ranking ----

export interface RankQuery {
  /** The query's lexemes (distinct). */
  terms: readonly string[];
  /** Related words, stemmed: each stands in for a query term (not itself a query term) with a weight. */
  related: readonly { qterm: string; term: string; weight: number }[];
  /** Lexemes of query words that do not count against coverage unless a memory holds them. */
  optional: ReadonlySet<string>;
  /** The period the question names, in microseconds: memories created in [from, to) score more. */
  period: { from: number; to: number } | null;
  /** The question asks when ("when did …", "how long ago …", "what year …"). */
  asksWhen: boolean;
  /** The question asks for several things ("what books have I read?", "how many times …"). */
  asksForSeveral: boolean;
  /** The clock of the question, in microseconds. */
  now: number;
  limit: number;
}

export interface Ranked {
  memory: IndexedMemory;
  score: number;
  coverage: number;
}

interface Weighted {
  q: number;
  posting: Posting;
  sim: number;
  cov: number;
  idf: number;
  selective: boolean;
}

/** The k first of `items` in the order of `compare` (a total order), as sort and slice would give them. */
function topK<T>(items: Iterable<T>, k: number, compare: (a: T, b: T) => number): T[] {
  const out: T[] = [];
  if (k <= 0) return out;
  for (const x of items) {
    if (out.length === k && compare(x, out[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(out[mid]!, x) <= 0) lo = mid + 1;
      else hi = mid;
    }
    out.splice(lo, 0, x);
    if (out.length > k) out.pop();
  }
  return out;
}

/**
 * English stems of words that say when something happened or will ("yesterday", "last", "week",
 * "May", "summer", "birthday"): a question asking "when" ranks memories that hold one (or a number) higher.
 */
const TIME_STEMS = new Set([
  'yesterday', 'today', 'tonight', 'tomorrow', 'last', 'next', 'ago', 'sinc', 'later', 'soon', 'late', 'recent', 'earlier',
  'day', 'night', 'morn', 'noon', 'midnight', 'hour', 'week', 'weekend', 'month', 'year', 'decad', 'season',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'januari', 'februari', 'march', 'april', 'may', 'june', 'juli', 'august', 'septemb', 'octob', 'novemb', 'decemb',
  'spring', 'summer', 'autumn', 'fall', 'winter', 'christma', 'holiday', 'birthday', 'anniversari',
]);
const holdsTime = (m: IndexedMemory) => m.terms.some((x) => TIME_STEMS.has(x) || (x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57));
/**
 * The `limit` best of `ranked` (best first) when the question asks for several things: each pick
 * weighs (1 - spread)^k for the k already picked within `window` of it, so one conversation does
 * not fill every place.
 */
function spreadOver<T extends { memory: IndexedMemory; score: number }>(ranked: T[], limit: number, spread: number, window: number): T[] {
  // Each candidate's weight so far: (1 - spread) for every pick within the window, kept up to date per pick.
  const weight = ranked.map(() => 1);
  const taken = ranked.map(() => false);
  const picked: T[] = [];
  while (picked.length < Math.min(limit, ranked.length)) {
    let at = -1;
    let top = -Infinity;
    for (let i = 0; i < ranked.length; i++) {
      // Ties go to the better-ranked, as in `ranked`.
      if (!taken[i] && ranked[i]!.score * weight[i]! > top) {
        top = ranked[i]!.score * weight[i]!;
        at = i;
      }
    }
    const pick = ranked[at]!;
    taken[at] = true;
    picked.push(pick);
    for (let i = 0; i < ranked.length; i++) if (Math.abs(ranked[i]!.memory.created - pick.memory.created) <= window) weight[i]! *= 1 - spread;
  }
  return picked;
}

/** At most about this many memories are ranked per search (see rankMemories). */
const MAX_CANDIDATES = 5_000;
const MINUTE_US = 60_000_000;
const DAY_US = 86_400_000_000;

/** The user's best memories for a query, best first (see docs/memory.md). */
export function rankMemories(index: UserMemoryIndex, query: RankQuery, t: SearchTuning): Ranked[] {
  const n = index.size;
  if (n === 0 || query.limit <= 0) return [];
  const avgdl = Math.max(index.tokens / n, 1);
  const idfOf = (df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
  const commonMax = Math.max(n * t.commonShare, t.commonFloor);
  const relatedMax = Math.max(n * t.relatedMaxShare, t.commonFloor);
  const qterms = query.terms;

  // Each query term's stand-ins: itself, similar terms of the vocabulary, related words.
  const pairs = new Map<string, { q: number; posting: Posting; sim: number; cov: number; allRelated: boolean }>();
  const stand = (q: number, posting: Posting, sim: number, cov: number, related: boolean) => {
    const key = `${q}\u0000${posting.term}`;
    const had = pairs.get(key);
    if (!had) pairs.set(key, { q, posting, sim, cov, allRelated: related });
    else {
      had.sim = Math.max(had.sim, sim);
      had.cov = Math.max(had.cov, cov);
      had.allRelated &&= related;
    }
  };
  const exact = new Set<number>();
  qterms.forEach((qterm, q) => {
    const own = index.postings.get(qterm);
    if (own) {
      exact.add(q);
      stand(q, own, 1, 1, false);
    }
    if (t.fuzzy > 0 && [...qterm].length >= t.fuzzyMinLength) {
      const slice = index.byInitial.get(initial(qterm));
      if (slice) {
        const mine = trigrams(qterm);
        const near: { term: string; sim: number }[] = [];
        for (const term of slice) {
          if (term === qterm) continue;
          const sim = trigramSimilarity(index.trigramsOf(term), mine);
          if (sim >= t.fuzzy) near.push({ term, sim });
        }
        near.sort((a, b) => b.sim - a.sim || (a.term < b.term ? -1 : 1));
        for (const f of near.slice(0, t.fuzzyPerTerm)) stand(q, index.postings.get(f.term)!, f.sim, f.sim, false);
      }
    }
  });
  const position = new Map(qterms.map((qterm, q) => [qterm, q]));
  for (const r of query.related) {
    const q = position.get(r.qterm);
    const posting = index.postings.get(r.term);
    if (q === undefined || !posting || posting.docs.length > relatedMax || position.has(r.term)) continue;
    stand(q, posting, r.weight * t.relatedScale, r.weight, true);
  }
  const weighted: Weighted[] = [...pairs.values()].map((p) => ({
    q: p.q,
    posting: p.posting,
    sim: p.sim,
    cov: p.cov,
    idf: idfOf(p.posting.docs.length),
    // Related words pull in candidates only for a word the user's memories do not hold.
    selective: p.posting.docs.length <= commonMax && (!p.allRelated || !exact.has(p.q)),
  }));

  // The query's weight: each term weighs as itself, else as its best stand-in, else as a term in no memory.
  let total = 0;
  qterms.forEach((qterm, q) => {
    if (query.optional.has(qterm) && !exact.has(q)) return;
    const own = index.postings.get(qterm);
    let best = -Infinity;
    for (const w of weighted) if (w.q === q) best = Math.max(best, w.idf);
    total += own ? idfOf(own.docs.length) : best > -Infinity ? best : Math.log(1 + (n + 0.5) / 0.5);
  });

  // Candidates: the memories holding a selective term (or any term when none is), rarest terms
  // first, until there are MAX_CANDIDATES: a question of only common words does not rank every memory.
  const anySelective = weighted.some((w) => w.selective);
  const candidates = new Set<IndexedMemory>();
  const pulling = weighted.filter((w) => w.selective || !anySelective).sort((a, b) => a.posting.docs.length - b.posting.docs.length);
  for (const w of pulling) {
    // Newest first within a term (postings are kept in the order memories were written).
    for (let i = w.posting.docs.length - 1; i >= 0 && candidates.size < MAX_CANDIDATES; i--) candidates.add(w.posting.docs[i]!);
  }

  // Per candidate and query term: the best stand-in's BM25 score (term frequency 1) and coverage,
  // in one buffer (a slot of 2Q numbers per memory scored).
  const Q = qterms.length;
  const slots = new Map<IndexedMemory, number>();
  let buf = new Float64Array(2 * Q * 64);
  const slotOf = (m: IndexedMemory): number => {
    let at = slots.get(m);
    if (at === undefined) {
      at = slots.size * 2 * Q;
      slots.set(m, at);
      if (at + 2 * Q > buf.length) {
        const grown = new Float64Array(buf.length * 2);
        grown.set(buf);
        buf = grown;
      }
    }
    return at;
  };
  const norm = (m: IndexedMemory) => (t.k1 + 1) / (1 + t.k1 * (1 - t.b + (t.b * m.terms.length) / avgdl));
  // A memory also matches, below its own words, the words of the memories stored just before
  // and after it in the conversation: per query term the better of the two counts.
  const contextSpan = t.neighbourMinutes * MINUTE_US;
  const line = index.timeline;
  const credit = (m: IndexedMemory, nb: IndexedMemory | undefined, share: number, w: Weighted) => {
    if (!nb || share <= 0 || Math.abs(nb.created - m.created) > contextSpan) return;
    const at = slotOf(nb) + w.q;
    // Context counts in the score only: a memory's coverage is of its own words.
    buf[at] = Math.max(buf[at]!, share * w.sim * w.idf * norm(nb));
  };
  for (const w of weighted) {
    const matched = Math.sqrt(w.cov) * w.idf;
    // The shorter side: a term in far more memories than there are candidates is looked up in each candidate.
    const docs = w.posting.docs.length > 4 * candidates.size ? [...candidates].filter((m) => m.terms.includes(w.posting.term)) : w.posting.docs;
    for (const m of docs) {
      if (!candidates.has(m)) continue;
      const at = slotOf(m);
      buf[at + w.q] = Math.max(buf[at + w.q]!, w.sim * w.idf * norm(m));
      buf[at + Q + w.q] = Math.max(buf[at + Q + w.q]!, matched);
      const pos = index.positionOf(m);
      credit(m, line[pos - 1], t.contextAfter, w);
      credit(m, line[pos + 1], t.contextBefore, w);
    }
  }
  const scores = new Map<IndexedMemory, { score: number; matched: number }>();
  for (const [m, at] of slots) {
    let score = 0;
    let matched = 0;
    for (let q = 0; q < Q; q++) {
      score += buf[at + q]!;
      matched += buf[at + Q + q]!;
    }
    if (query.period && m.created >= query.period.from && m.created < query.period.to) score *= 1 + t.timeBoost;
    if (query.asksWhen && t.whenBoost > 0 && holdsTime(m)) score *= 1 + t.whenBoost;
    scores.set(m, { score, matched });
  }

  // The best matches lend a share of their score to the memories stored just before and after them.
  const own = topK(scores, t.spreadFrom, ([a, x], [b, y]) => y.score - x.score || byTime(b, a));
  const lent = new Map<IndexedMemory, number>();
  const lend = (m: IndexedMemory, score: number) => lent.set(m, Math.max(lent.get(m) ?? -Infinity, score));
  const span = t.neighbourMinutes * MINUTE_US;
  for (const [o, { score }] of own) {
    if (t.nextWeight > 0) {
      const from = index.upperBoundTime(o.created);
      for (let k = 0; k < 2 && from + k < line.length && line[from + k]!.created <= o.created + span; k++) {
        lend(line[from + k]!, score * (k === 0 ? (o.question ? t.questionNextWeight : t.nextWeight) : t.next2Weight));
      }
    }
    if (t.prevWeight > 0) {
      const before = index.lowerBoundTime(o.created) - 1;
      for (let k = 0; k < 2 && before - k >= 0 && line[before - k]!.created >= o.created - span; k++) {
        lend(line[before - k]!, score * (k === 0 ? t.prevWeight : t.prev2Weight));
      }
    }
  }

  const session = t.sessionMinutes * MINUTE_US;
  const ownByTime = own.map(([o, s]) => ({ created: o.created, score: s.score })).sort((a, b) => a.created - b.created);
  const results: { memory: IndexedMemory; score: number; matched: number }[] = [];
  for (const m of new Set([...scores.keys(), ...lent.keys()])) {
    const mine = scores.get(m);
    let score = (mine?.score ?? 0) + (lent.get(m) ?? 0);
    if (t.sessionWeight > 0) {
      let best = 0;
      let i = 0;
      while (i < ownByTime.length && ownByTime[i]!.created < m.created - session) i++;
      for (; i < ownByTime.length && ownByTime[i]!.created <= m.created + session; i++) best = Math.max(best, ownByTime[i]!.score);
      score += t.sessionWeight * best;
    }
    score *= 1 + t.recency * Math.pow(0.5, Math.max(query.now - m.updated, 0) / DAY_US / t.halfLifeDays);
    results.push({ memory: m, score, matched: mine?.matched ?? 0 });
  }
  // As PostgreSQL would order them: score, then newest, then id.
  const order = (a: (typeof results)[number], b: (typeof results)[number]) =>
    b.score - a.score || b.memory.created - a.memory.created || (a.memory.id < b.memory.id ? -1 : 1);
  const best =
    query.asksForSeveral && t.severalSpread > 0 ? spreadOver(topK(results, query.limit * 4, order), query.limit, t.severalSpread, session) : topK(results, query.limit, order);
  return best.map((r) => ({ memory: r.memory, score: r.score, coverage: total > 0 ? Math.min(r.matched / total, 1) : 0 }));
}
