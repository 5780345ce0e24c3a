// Intent tables and the one classifier. Each agent declares what it understands
// as rows `{ name, match, parse }` in its `*.intents.ts`; the classifier scores
// every row of every table (or of the mentioned agent only), picks the best,
// logs which row won, and asks back when two agents come out close.
import type { AgentName } from '@lifeos/contract';
import type { Utterance } from '../lib/nl/normalize.ts';
import type { ConversationState } from './conversation.ts';

export type IntentOwner = AgentName | 'assistant';

export interface IntentInput {
  u: Utterance;
  conversation: ConversationState;
  now: Date;
  timeZone: string;
}

export interface IntentRow {
  name: string;
  /** 0 (not this) to 1 (certainly this); cheap and linear in the text. */
  match(input: IntentInput): number;
  /** What the agent needs to act (a referent, a rewritten request, a slot); null when it parses the text itself. */
  parse?(input: IntentInput): Record<string, unknown> | null;
}

export interface IntentTable {
  agent: IntentOwner;
  rows: readonly IntentRow[];
}

export interface ChosenIntent {
  agent: IntentOwner;
  name: string;
  score: number;
  data: Record<string, unknown> | null;
}

export type Classification =
  | { kind: 'chosen'; intent: ChosenIntent; runnerUp: ChosenIntent | null }
  | { kind: 'ask'; options: AgentName[]; scores: ChosenIntent[] }
  | { kind: 'none'; best: ChosenIntent | null };

/** Below this nothing is confident enough to act on. */
export const MIN_SCORE = 0.45;
/** Two different agents this close are asked about, not guessed. */
export const CLOSE_MARGIN = 0.08;

/** Scores every row of `tables` (only `only`'s table and the assistant's when an agent is mentioned). */
export function classify(input: IntentInput, tables: readonly IntentTable[], options: { only?: AgentName } = {}): Classification {
  const best = new Map<IntentOwner, { row: IntentRow; score: number }>();
  for (const table of tables) {
    if (options.only && table.agent !== options.only) continue;
    for (const row of table.rows) {
      const score = row.match(input);
      if (score > (best.get(table.agent)?.score ?? 0)) best.set(table.agent, { row, score });
    }
  }
  const ranked = [...best.entries()].sort((a, b) => b[1].score - a[1].score);
  const pick = (i: number): ChosenIntent | null => {
    const entry = ranked[i];
    if (!entry) return null;
    const [agent, { row, score }] = entry;
    return { agent, name: row.name, score, data: null };
  };
  const top = pick(0);
  if (!top || top.score < MIN_SCORE) return { kind: 'none', best: top };
  const second = pick(1);
  if (second && second.agent !== 'assistant' && top.agent !== 'assistant' && second.score >= MIN_SCORE && top.score - second.score < CLOSE_MARGIN) {
    return { kind: 'ask', options: [top.agent as AgentName, second.agent as AgentName], scores: [top, second] };
  }
  const row = best.get(top.agent)!.row;
  return { kind: 'chosen', intent: { ...top, data: row.parse?.(input) ?? null }, runnerUp: second };
}
