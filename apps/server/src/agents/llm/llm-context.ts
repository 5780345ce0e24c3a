// What the model is told besides the request: the agent's instructions, who
// and when the user is, the agent's working state, and a bounded slice of the
// recent conversation. Secrets never go in: keys that name one are dropped.
import type { LlmHistoryMessage } from './run-llm-agent.ts';

/** At most this many earlier messages, and at most this many characters of them. */
export const HISTORY_LIMIT = 20;
export const HISTORY_CHAR_BUDGET = 12_000;
/** The agent_state JSON is cut to this many characters. */
export const STATE_CHAR_BUDGET = 4_000;

const SECRET_KEY = /passw(or)?d|passphrase|^pass$|secret|token|api[-_]?key|authori[sz]ation|cookie|credential|private[-_]?key|^sealed/i;

/** A deep copy without any property whose name says it holds a secret. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20) return null;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (SECRET_KEY.test(key)) continue;
      out[key] = redactSecrets(inner, depth + 1);
    }
    return out;
  }
  return value;
}

export interface HistoryRow {
  id: string;
  role: string;
  content: string;
  metadata: Record<string, unknown> | null;
}

/**
 * Earlier turns for the model, oldest first: without the message being answered,
 * without failed replies (an error text would only confuse the model), and
 * within the character budget counted from the newest.
 */
export function toHistory(rows: readonly HistoryRow[], currentMessageId: string | null): LlmHistoryMessage[] {
  const usable = rows.filter(
    (row) =>
      row.id !== currentMessageId &&
      (row.role === 'user' || row.role === 'assistant') &&
      row.metadata?.status !== 'error' &&
      row.content.trim() !== '',
  );
  const picked: LlmHistoryMessage[] = [];
  let chars = 0;
  for (const row of usable.slice(-HISTORY_LIMIT).reverse()) {
    chars += row.content.length;
    if (chars > HISTORY_CHAR_BUDGET) break;
    picked.push({ role: row.role as LlmHistoryMessage['role'], content: row.content });
  }
  // A conversation handed to a model starts with the user.
  while (picked.length && picked.at(-1)?.role === 'assistant') picked.pop();
  return picked.reverse();
}

export interface InstructionsInput {
  instructions: string;
  user: { username: string | null; timezone: string };
  now: Date;
  state: Record<string, unknown> | undefined;
}

/** The system prompt: the agent's instructions plus the facts of this run. */
export function buildInstructions({ instructions, user, now, state }: InstructionsInput): string {
  const when = new Intl.DateTimeFormat('en-GB', {
    timeZone: user.timezone,
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(now);
  const lines = [
    instructions.trim(),
    '',
    'Facts for this conversation:',
    `- Now: ${when} (${user.timezone}); the current time in ISO form is ${now.toISOString()}.`,
  ];
  if (user.username) lines.push(`- The user's name: ${user.username}.`);
  if (state && Object.keys(state).length > 0) {
    let json = JSON.stringify(redactSecrets(state));
    if (json.length > STATE_CHAR_BUDGET) json = `${json.slice(0, STATE_CHAR_BUDGET)}… (cut)`;
    lines.push(`- Your working state from earlier turns (JSON): ${json}`);
  }
  lines.push(
    '',
    'Answer in plain, friendly sentences and keep it short. Use your tools for anything about the user\'s data; never invent it.',
  );
  return lines.join('\n');
}
