// Conversation state: what the last turns showed, so "it", "the second one",
// "and on Friday?" and "no, 4pm" resolve. Kept per user in agent_state under
// the key "conversation" (docs/agents.md); both engines read it, agents write it
// through the AgentContext, and the runtime saves it once per turn.
import type { AgentName } from '@lifeos/contract';

/** Referents older than this, or more turns ago than MAX_TURNS, are forgotten. */
export const REFERENT_TTL_MS = 30 * 60_000;
export const MAX_TURNS = 10;
export const CONVERSATION_KEY = 'conversation';

export type ReferentKind = 'event' | 'mail' | 'memory';

/** One thing the user can point back at. */
export interface Referent {
  agent: AgentName;
  kind: ReferentKind;
  id: string;
  /** Title, or "sender — subject" for a mail. */
  label: string;
  /** Start of the occurrence shown (events), or when a mail arrived. */
  at?: string | null;
  end?: string | null;
  /** A mail's sender, for "reply to her". */
  from?: string | null;
}

interface Stamped {
  turn: number;
  savedAt: string;
}

export interface ConversationState extends Record<string, unknown> {
  turn: number;
  /** The thing just created, changed, read or picked. */
  focus?: Referent & Stamped;
  /** The last list shown, in the order shown (position 1 first). */
  listing?: { agent: AgentName; kind: ReferentKind; label: string; items: Referent[] } & Stamped;
  /** The last request an agent answered, for ellipsis ("and on Friday?", "the day after?"). */
  last?: { agent: AgentName; intent: string; day?: string | null; label?: string } & Stamped;
  /** A question the assistant asked and the answer it waits for. */
  pending?: PendingQuestion & Stamped;
}

/** "Your calendar or your mail?" (the request waits for the answer), or an agent's "which one?". */
export type PendingQuestion = { kind: 'route'; text: string; options: AgentName[] } | { kind: 'choice'; agent: AgentName; text: string; options: AgentName[] };

/** What an agent reports during a turn; the runtime stamps and saves it. */
export interface ConversationNotes {
  focus?: Referent;
  listing?: { agent: AgentName; kind: ReferentKind; label: string; items: Referent[] };
  last?: { agent: AgentName; intent: string; day?: string | null; label?: string };
  pending?: PendingQuestion | null;
}

function fresh<T extends Stamped>(item: T | undefined, turn: number, now: Date): T | undefined {
  if (!item) return undefined;
  const age = now.getTime() - new Date(item.savedAt).getTime();
  return age <= REFERENT_TTL_MS && turn - item.turn <= MAX_TURNS ? item : undefined;
}

/** The stored state with expired referents dropped (an absent or malformed row is an empty state). */
export function liveConversation(raw: Record<string, unknown> | undefined, now: Date): ConversationState {
  const s = (raw ?? {}) as Partial<ConversationState>;
  const turn = typeof s.turn === 'number' ? s.turn : 0;
  const out: ConversationState = { turn };
  const focus = fresh(s.focus, turn, now);
  const listing = fresh(s.listing, turn, now);
  const last = fresh(s.last, turn, now);
  // A question is answered by the very next message or not at all.
  const pending = s.pending && turn - s.pending.turn <= 1 ? fresh(s.pending, turn, now) : undefined;
  if (focus) out.focus = focus;
  if (listing) out.listing = listing;
  if (last) out.last = last;
  if (pending) out.pending = pending;
  return out;
}

/** The state after one more turn with the agents' notes applied. */
export function advanceConversation(state: ConversationState, notes: ConversationNotes, now: Date): ConversationState {
  const turn = state.turn + 1;
  const stamp = { turn, savedAt: now.toISOString() };
  const next: ConversationState = { ...state, turn };
  delete next.pending;
  if (notes.focus) next.focus = { ...notes.focus, ...stamp };
  if (notes.listing) next.listing = { ...notes.listing, items: notes.listing.items.slice(0, 25), ...stamp };
  if (notes.last) next.last = { ...notes.last, ...stamp };
  if (notes.pending) next.pending = { ...notes.pending, ...stamp };
  return next;
}

/** A short, model-readable account of the referents (for the LLM engine's context). */
export function describeConversation(state: ConversationState): string {
  const lines: string[] = [];
  if (state.focus) lines.push(`Just discussed (${state.focus.agent} ${state.focus.kind}): "${state.focus.label}" id=${state.focus.id}${state.focus.at ? ` at ${state.focus.at}` : ''}`);
  if (state.listing) {
    lines.push(`Last list shown (${state.listing.agent} ${state.listing.kind}s, ${state.listing.label}):`);
    state.listing.items.slice(0, 10).forEach((it, i) => lines.push(`  ${i + 1}. "${it.label}" id=${it.id}${it.at ? ` at ${it.at}` : ''}`));
  }
  return lines.join('\n');
}

type EventLike = { id?: unknown; title?: unknown; start?: unknown; end?: unknown };
type MailLike = { id?: unknown; subject?: unknown; receivedAt?: unknown; from?: { name?: unknown; address?: unknown } };

const eventRef = (e: EventLike): Referent | null =>
  typeof e?.id === 'string' && typeof e.title === 'string'
    ? { agent: '@cal', kind: 'event', id: e.id, label: e.title, at: typeof e.start === 'string' ? e.start : null, end: typeof e.end === 'string' ? e.end : null }
    : null;
const mailRef = (m: MailLike): Referent | null => {
  if (typeof m?.id !== 'string') return null;
  const from = String(m.from?.name || m.from?.address || '');
  return { agent: '@mail', kind: 'mail', id: m.id, label: `${from} — ${String(m.subject ?? '')}`, at: typeof m.receivedAt === 'string' ? m.receivedAt : null, from };
};

/** The referents a tool's result shows (LLM engine), so follow-ups work the same on both engines. */
export function notesFromToolOutput(output: unknown): ConversationNotes {
  const o = (output ?? {}) as Record<string, unknown>;
  if (o.created) {
    const ref = eventRef(o.created as EventLike);
    return ref ? { focus: ref } : {};
  }
  if (Array.isArray(o.events)) {
    const items = (o.events as EventLike[]).map(eventRef).filter((r): r is Referent => r !== null);
    return { listing: { agent: '@cal', kind: 'event', label: 'events', items }, ...(items.length === 1 ? { focus: items[0]! } : {}) };
  }
  if (Array.isArray(o.items)) {
    const items = (o.items as MailLike[]).map(mailRef).filter((r): r is Referent => r !== null);
    return items.length ? { listing: { agent: '@mail', kind: 'mail', label: String(o.label ?? 'mail'), items } } : {};
  }
  if (o.message && typeof o.message === 'object') {
    const ref = mailRef(o.message as MailLike);
    return ref ? { focus: ref } : {};
  }
  return {};
}
