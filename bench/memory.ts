// Memory retrieval benchmark on the LoCoMo development conversations: every
// turn becomes one memory ("<speaker>: <text>", one user per conversation),
// every question of categories 1-4 is a search through the same function the
// API uses, scored by evidence recall@5 / recall@10, with search latency.
//
//   npm run bench:memory                 PGlite, and PostgreSQL when BENCH_DATABASE_URL
//                                        (or TEST_DATABASE_URL) names a server; a scratch
//                                        database is created there and dropped after.
//   BENCH_STEPS=1 npm run bench:memory   also each step of the method, from plain BM25 on (BENCH_STEPS=n: from the n-th).
//   BENCH_SKIP_SCALE=1                   without the latency run at 10,000 memories of one user.
//   LOCOMO_DIR=...                       the data (default ../shared/data/locomo-dev).
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '../apps/server/src/config.ts';
import { createDatabase, type Database } from '../apps/server/src/db/client.ts';
import { insertUser } from '../apps/server/src/features/auth/auth.repo.ts';
import { MemoryIndexCache } from '../apps/server/src/features/memory/memory-index.ts';
import { defaultSearchTuning, insertMemory, searchMemories, type SearchTuning } from '../apps/server/src/features/memory/memory.repo.ts';
import { relatedWords } from '../apps/server/src/features/memory/memory-relatedness.ts';

const DATA_DIR =
  process.env.LOCOMO_DIR ??
  [path.resolve(import.meta.dirname, '../../shared/data/locomo-dev'), path.resolve(import.meta.dirname, '../../../shared/data/locomo-dev')].find((d) =>
    existsSync(d),
  ) ??
  path.resolve(import.meta.dirname, '../../shared/data/locomo-dev');
const CATEGORIES: Record<number, string> = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop' };
const FILES = ['26.json', '30.json', '41.json', '42.json', '43.json'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

interface Turn { speaker: string; dia_id: string; text: string }
interface Qa { question: string; evidence: string[]; category: number }
interface Conversation { turns: { diaId: string; content: string; at: Date }[]; qa: Qa[]; now: Date }
// split: 0 for conversations 26, 30 and 41, 1 for 42 and 43: each step should gain on both halves.
interface Loaded extends Conversation { userId: string; ids: Map<string, string>; split: number }

/** "1:56 pm on 8 May, 2023" */
function sessionDate(s: string): Date {
  const m = /^(\d+):(\d+)\s*(am|pm) on (\d+) (\w+),? (\d{4})$/i.exec(s.trim());
  if (!m) throw new Error(`unreadable session date: ${s}`);
  const hour = (Number(m[1]) % 12) + (m[3]!.toLowerCase() === 'pm' ? 12 : 0);
  return new Date(Date.UTC(Number(m[6]), MONTHS.indexOf(m[5]!.toLowerCase()), Number(m[4]), hour, Number(m[2])));
}

function readConversations(): Conversation[] {
  return FILES.map((file) => {
    const raw = JSON.parse(readFileSync(path.join(DATA_DIR, file), 'utf8')) as Record<string, unknown>;
    const turns: Conversation['turns'] = [];
    for (let i = 1; raw[`session_${i}`]; i++) {
      const start = sessionDate(String(raw[`session_${i}_date_time`]));
      // Turns of a session half a minute apart, as in a chat.
      (raw[`session_${i}`] as Turn[]).forEach((t, j) => turns.push({ diaId: t.dia_id, content: `${t.speaker}: ${t.text}`, at: new Date(start.getTime() + j * 30_000) }));
    }
    // The questions are asked just after the last session: recency and "last week" count from there.
    const now = new Date(Math.max(...turns.map((t) => t.at.getTime())) + 60_000);
    return { turns, now, qa: (raw.qa as Qa[]).filter((q) => q.category >= 1 && q.category <= 4) };
  });
}

// A few evidence lists in the data are malformed ("D8:6; D9:17", "D:11:26"); ids that
// name no turn at all ("D") are left out, as are questions left without evidence.
const evidenceIds = (raw: string[]) =>
  raw
    .flatMap((e) => e.split(';'))
    .map((e) => e.trim().replace(/^D:(\d+)/, 'D$1'))
    .filter((e) => /^D\d+:\d+$/.test(e));

async function load(database: Database, conversations: Conversation[]): Promise<Loaded[]> {
  const loaded: Loaded[] = [];
  for (const c of conversations) {
    const user = await insertUser(database.db, { email: `bench-${randomUUID()}@example.test`, passwordHash: 'x', username: null, timezone: 'UTC' });
    const ids = new Map<string, string>();
    for (const t of c.turns) ids.set(t.diaId, (await insertMemory(database.db, { userId: user!.id, content: t.content, createdAt: t.at }, cache)).id);
    loaded.push({ ...c, userId: user!.id, ids, split: loaded.length < 3 ? 0 : 1 });
  }
  return loaded;
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/** The search's in-memory indexes (as the server's AppContext holds them). */
const cache = new MemoryIndexCache();

interface Tally { n: number; r5: number; r10: number }
const tally = (): Tally => ({ n: 0, r5: 0, r10: 0 });

async function run(database: Database, conversations: Loaded[], tuning: Partial<SearchTuning>, related = true) {
  const all = tally();
  const byCategory = new Map<number, Tally>();
  const bySplit = [tally(), tally()];
  const latencies: number[] = [];
  for (const c of conversations) {
    for (const q of c.qa) {
      const evidence = new Set(evidenceIds(q.evidence).flatMap((e) => c.ids.get(e) ?? []));
      if (evidence.size === 0) continue;
      const started = performance.now();
      const expansions = related ? await relatedWords(q.question) : [];
      const hits = await searchMemories(database.db, cache, { userId: c.userId, query: q.question, limit: 10, now: c.now, expansions }, tuning);
      latencies.push(performance.now() - started);
      const r5 = hits.slice(0, 5).filter((h) => evidence.has(h.id)).length / evidence.size;
      const r10 = hits.filter((h) => evidence.has(h.id)).length / evidence.size;
      if (!byCategory.has(q.category)) byCategory.set(q.category, tally());
      for (const t of [all, byCategory.get(q.category)!, bySplit[c.split]!]) {
        t.n++;
        t.r5 += r5;
        t.r10 += r10;
      }
    }
  }
  return { all, byCategory, bySplit, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

const fmt = (t: Tally) => `${(t.r5 / t.n).toFixed(3)} / ${(t.r10 / t.n).toFixed(3)}`;

// Each step adds one idea to the one before; the last is the method as shipped.
const d = defaultSearchTuning;
// Before the context of a turn was added, neighbours lent more.
const noContext = { contextBefore: 0, contextAfter: 0, nextWeight: 0.7, prevWeight: 0.5, whenBoost: 0, severalSpread: 0 };
const later = { ...noContext, next2Weight: 0, prev2Weight: 0, questionNextWeight: noContext.nextWeight, sessionWeight: 0, timeBoost: 0 };
const off = { ...later, fuzzy: 0, recency: 0, nextWeight: 0, prevWeight: 0, commonShare: 1 };
const STEPS: [string, Partial<SearchTuning>, boolean?][] = [
  ['BM25 (k1 1.2, b 0.75, term frequency 1), English stems, OR', { ...off, b: 0.75 }, false],
  ['+ milder length normalisation (b 0.3)', { ...off }, false],
  ['+ fuzzy vocabulary matching (trigram >= 0.4)', { ...off, fuzzy: d.fuzzy }, false],
  ['+ recency boost (10%, half-life 30 days)', { ...off, fuzzy: d.fuzzy, recency: d.recency }, false],
  ['+ neighbours in the conversation (0.7 next, 0.5 previous)', { ...later, commonShare: 1 }, false],
  ['+ common terms only score, do not pull candidates', { ...later }, false],
  ['+ second neighbours (0.3, 0.2); a question lends its answer 0.9', { ...noContext, sessionWeight: 0, timeBoost: 0 }, false],
  ['+ conversation prior (0.3 of the best match within 60 min)', { ...noContext, timeBoost: 0 }, false],
  ['+ period named in the question (x2 from 1 day before to 7 after)', { ...noContext }, false],
  ['+ WordNet related words (synonyms 0.6, derived 0.5, broader 0.45, narrower 0.35), at full weight in the score', { ...noContext, relatedScale: 1 }],
  ['+ related words at a quarter of their weight in the score (full in the coverage)', { ...noContext, relatedMaxShare: 1 }],
  ['+ related words in more than 5 % of the memories (and more than 50) left out', { ...noContext }],
  ['+ context of a turn: the words of the memory just before (0.4) and after (0.24) count for it; neighbours lend less (0.2 next, 0.3 previous)', { whenBoost: 0, severalSpread: 0 }],
  ['+ a question asking when ranks memories holding a word of time or a number x1.5', { severalSpread: 0 }],
  ['+ a question asking for several things takes results from more than one conversation (x0.8 per better one within 60 min)', {}],
];

async function bench(label: string, database: Database): Promise<void> {
  await database.migrate();
  const started = performance.now();
  const conversations = await load(database, readConversations());
  const memories = conversations.reduce((a, c) => a + c.turns.length, 0);
  console.log(`${label}: ${memories} memories of ${conversations.length} users loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await run(database, conversations.slice(0, 1), {}); // warm-up
  // BENCH_STEPS=1: every step; BENCH_STEPS=7: from the 7th on.
  const from = Number(process.env.BENCH_STEPS ?? 0);
  const steps = from ? STEPS.slice(from - 1) : STEPS.slice(-1);
  const categories = [4, 1, 2, 3];
  console.log(
    `${label}: recall@5 / recall@10, ${['overall', ...categories.map((c) => CATEGORIES[c]!), '26, 30, 41', '42, 43'].map((h) => h.padEnd(13)).join(' ')} p50 / p95 ms`,
  );
  for (const [name, tuning, related] of steps) {
    const r = await run(database, conversations, tuning, related);
    const cells = [r.all, ...categories.map((c) => r.byCategory.get(c) ?? tally()), ...r.bySplit].map((t) => fmt(t).padEnd(13));
    console.log(`  ${cells.join(' ')} ${r.p50.toFixed(1)} / ${r.p95.toFixed(1)}  ${name}`);
  }
  const counts = categories.map((c) => `${CATEGORIES[c]} ${conversations.reduce((a, cv) => a + cv.qa.filter((q) => q.category === c).length, 0)}`);
  console.log(`  questions: ${counts.join(', ')}`);
  if (!process.env.BENCH_SKIP_SCALE) await scale(label, database, conversations);
}

// Latency at the size the search is built for: one user with 10,000 memories (the
// conversations' turns, repeated a year apart), asked every question.
async function scale(label: string, database: Database, conversations: Loaded[]): Promise<void> {
  const SIZE = 10_000;
  const user = await insertUser(database.db, { email: `bench-${randomUUID()}@example.test`, passwordHash: 'x', username: null, timezone: 'UTC' });
  const turns = conversations.flatMap((c) => c.turns);
  for (let i = 0; i < SIZE; i++) {
    const t = turns[i % turns.length]!;
    const yearsBack = Math.floor(i / turns.length);
    await insertMemory(database.db, { userId: user!.id, content: t.content, createdAt: new Date(t.at.getTime() - yearsBack * 365 * 86_400_000) });
  }
  const now = new Date(Math.max(...conversations.map((c) => c.now.getTime())));
  const latencies: number[] = [];
  // The memories were written without this cache, as by another instance: the first search loads them.
  const loadStarted = performance.now();
  await searchMemories(database.db, cache, { userId: user!.id, query: 'warm-up', limit: 10, now });
  const loadMs = performance.now() - loadStarted;
  for (const c of conversations) {
    for (const q of c.qa) {
      const started = performance.now();
      await searchMemories(database.db, cache, { userId: user!.id, query: q.question, limit: 10, now, expansions: await relatedWords(q.question) });
      latencies.push(performance.now() - started);
    }
  }
  console.log(`  at ${SIZE.toLocaleString('en')} memories of one user: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms (${latencies.length} searches; the first, which loads the index, ${loadMs.toFixed(0)} ms)`);
}

function config(databaseUrl?: string) {
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: '/nonexistent-lifeos-bench-dir',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_DRIVER: 'pg' } : {}),
  });
}

if (!existsSync(path.join(DATA_DIR, FILES[0]!))) {
  console.error(`LoCoMo data not found in ${DATA_DIR}; set LOCOMO_DIR to the folder holding ${FILES.join(', ')}`);
  process.exit(1);
}
console.log('Reference (plain BM25 on the same questions): recall@5 0.531, recall@10 0.608');
console.log('Categories: LoCoMo 4 single-hop, 1 multi-hop, 2 temporal, 3 open-domain (5, adversarial, has no evidence).');
const pglite = await createDatabase(config(), { pgliteDataDir: 'memory://' });
try {
  await bench('PGlite', pglite);
} finally {
  await pglite.close();
}

const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!server) {
  console.log('PostgreSQL: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL to a server where a scratch database may be created)');
} else {
  const name = `lifeos_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(server);
    url.pathname = `/${name}`;
    const database = await createDatabase(config(url.toString()));
    try {
      await bench('PostgreSQL', database);
    } finally {
      await database.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
