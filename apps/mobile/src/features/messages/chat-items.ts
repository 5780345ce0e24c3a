import type { Message } from '@lifeos/contract';
import { dayKey, dayLabel } from '@/lib/format';
import type { OutboxItem } from './outbox';
import type { StreamingReply } from './streaming-replies';

export type ChatItem =
  | { kind: 'message'; key: string; message: Message }
  | { kind: 'outbox'; key: string; item: OutboxItem }
  | { kind: 'streaming'; key: string; reply: StreamingReply }
  | { kind: 'typing'; key: string }
  | { kind: 'day'; key: string; label: string };

const AWAIT_REPLY_MS = 2 * 60_000;

/**
 * What the chat shows, newest first (the list is drawn bottom-up): a reply being
 * written or a typing indicator, then messages not yet on the server, then history.
 */
export function buildChatItems(input: {
  messages: Message[];
  outbox: OutboxItem[];
  streaming: StreamingReply[];
  now: number;
}): ChatItem[] {
  const { messages, outbox, streaming, now } = input;
  // A message sent from here may come back over the live stream before its POST
  // answers: show it once.
  const stored = messages.filter((m) => m.role === 'user');
  const pending = outbox.filter(
    (item) =>
      !stored.some(
        (m) =>
          (m.metadata?.clientId === item.clientId) ||
          (item.status === 'sending' && m.content === item.content && Date.parse(m.createdAt) >= Date.parse(item.createdAt) - 60_000),
      ),
  );
  const newest = messages[0];
  const age = newest ? now - Date.parse(newest.createdAt) : Infinity;
  // A question without an answer yet, e.g. sent from another device (clocks may differ a little).
  const awaitingReply = outbox.some((item) => item.status === 'sending') || (newest?.role === 'user' && age > -60_000 && age < AWAIT_REPLY_MS);

  const items: ChatItem[] = [];
  const visibleStreaming = streaming.filter((reply) => !messages.some((m) => m.id === reply.messageId));
  for (const reply of visibleStreaming) items.push({ kind: 'streaming', key: `streaming:${reply.messageId}`, reply });
  if (awaitingReply && visibleStreaming.length === 0) items.push({ kind: 'typing', key: 'typing' });
  for (const item of [...pending].reverse()) items.push({ kind: 'outbox', key: `outbox:${item.clientId}`, item });
  for (const message of messages) items.push({ kind: 'message', key: message.id, message });
  return items;
}

/**
 * Adds a separator ("Today", "Yesterday", "Mon 30 Nov") above the first message
 * of each day, in the user's time zone. Items are newest first, so a separator
 * follows the oldest message of its day. What is not stored yet belongs to today.
 */
export function withDaySeparators(items: ChatItem[], options: { now: Date; timeZone?: string | undefined }): ChatItem[] {
  const out: ChatItem[] = [];
  const dayOf = (item: ChatItem) => (item.kind === 'message' ? dayKey(item.message.createdAt, options.timeZone) : dayKey(options.now.toISOString(), options.timeZone));
  items.forEach((item, i) => {
    out.push(item);
    const older = items[i + 1];
    const day = dayOf(item);
    if (!older || dayOf(older) !== day) {
      const iso = item.kind === 'message' ? item.message.createdAt : options.now.toISOString();
      out.push({ kind: 'day', key: `day:${day}`, label: dayLabel(iso, options.now, options.timeZone) });
    }
  });
  return out;
}
