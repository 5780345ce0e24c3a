import { StyleSheet, Text, View } from 'react-native';
import type { Message } from '@lifeos/contract';
import type { Clock } from '@/lib/format';
import { useTheme } from '@/ui/theme';
import type { ChatItem } from './chat-items';
import { MessageBubble, OutboxBubble, StreamingBubble } from './message-bubble';
import { TypingIndicator } from './typing-indicator';

export type MessageListProps = {
  items: ChatItem[];
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder(): void;
  onRetryMessage(message: Message): void;
  onDeleteMessage(message: Message): void;
  onRetryOutbox(clientId: string): void;
  onDiscardOutbox(clientId: string): void;
  clock: Clock;
  /** A message to show with a ring (a search result jumped to). */
  highlightedId?: string | null;
};

export type MessageListHandle = {
  /** Scrolls to the newest message. */
  scrollToLatest(): void;
  /** Scrolls a loaded message into view; false when it is not loaded. */
  scrollToMessage(id: string): boolean;
};

/** The DOM id of a message's row (search jumps to it). */
export const messageAnchor = (id: string) => `message-${id}`;

/** One row of the conversation, the same on every platform. */
export function ChatRow({ item, props }: { item: ChatItem; props: MessageListProps }) {
  switch (item.kind) {
    case 'message':
      return (
        <MessageBubble
          message={item.message}
          clock={props.clock}
          onRetry={() => props.onRetryMessage(item.message)}
          onRegenerate={() => props.onRetryMessage(item.message)}
          onDelete={() => props.onDeleteMessage(item.message)}
          highlighted={props.highlightedId === item.message.id}
        />
      );
    case 'outbox':
      return <OutboxBubble item={item.item} onRetry={() => props.onRetryOutbox(item.item.clientId)} onDiscard={() => props.onDiscardOutbox(item.item.clientId)} />;
    case 'streaming':
      return <StreamingBubble reply={item.reply} />;
    case 'typing':
      return <TypingIndicator />;
    case 'day':
      return <DaySeparator label={item.label} />;
  }
}

function DaySeparator({ label }: { label: string }) {
  const { colors } = useTheme();
  return (
    <View style={styles.day} testID="day-separator">
      <View style={[styles.rule, { backgroundColor: colors.border }]} />
      <Text style={[styles.dayText, { color: colors.textMuted }]}>{label}</Text>
      <View style={[styles.rule, { backgroundColor: colors.border }]} />
    </View>
  );
}

export function HistoryStart({ loadingOlder, hasOlder }: { loadingOlder: boolean; hasOlder: boolean }) {
  const { colors } = useTheme();
  if (loadingOlder)
    return (
      <Text style={[styles.startText, styles.start, { color: colors.textMuted }]} role="status">
        Loading older messages…
      </Text>
    );
  if (hasOlder) return null;
  return (
    <View style={styles.start}>
      <Text style={[styles.startText, { color: colors.textMuted }]} testID="history-start">
        This is the beginning of your history.
      </Text>
    </View>
  );
}

const styles = StyleSheet.create({
  day: { flexDirection: 'row', alignItems: 'center', gap: 10, marginVertical: 10 },
  rule: { flex: 1, height: StyleSheet.hairlineWidth },
  dayText: { fontSize: 12, fontWeight: '600' },
  start: { paddingVertical: 16, alignItems: 'center', textAlign: 'center' },
  startText: { fontSize: 13 },
});
