import { StyleSheet, Text, View } from 'react-native';
import { PendingAction, type Message } from '@lifeos/contract';
import { formatTime } from '@/lib/format';
import { Button } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { AgentBadge } from './agent-badge';
import type { OutboxItem } from './outbox';
import { PendingActionCard, type Outcome } from './pending-action-card';
import { RichText } from './rich-text';
import type { StreamingReply } from './streaming-replies';

/** How a pending action ended, once the server updated the proposal's message. */
function resolvedOutcome(message: Message): Outcome | null {
  const status = (message.metadata?.pendingAction as { status?: unknown } | undefined)?.status;
  return status === 'confirmed' || status === 'cancelled' || status === 'failed' ? status : null;
}

export function MessageBubble({ message, timeZone, onRetry }: { message: Message; timeZone?: string; onRetry?: () => void }) {
  const { colors } = useTheme();
  const mine = message.role === 'user';
  const failed = message.metadata?.status === 'error';
  const action = PendingAction.safeParse(message.metadata?.pendingAction);
  const time = formatTime(message.createdAt, timeZone);
  return (
    <View style={[styles.row, mine ? styles.rowMine : styles.rowTheirs]} testID={mine ? 'message-user' : 'message-assistant'}>
      <View
        style={[
          styles.bubble,
          mine
            ? { backgroundColor: colors.userBubble, borderColor: colors.userBubble }
            : { backgroundColor: failed ? colors.dangerSurface : colors.assistantBubble, borderColor: failed ? colors.danger : colors.border },
        ]}
      >
        {!mine ? (
          <View style={styles.meta}>
            <AgentBadge agentName={message.agentName} />
            <Text style={[styles.time, { color: colors.textMuted }]}>{time}</Text>
          </View>
        ) : null}
        {/* When the reply is the proposal itself (a mail draft), the card below shows it once. */}
        {action.success && message.content.includes(action.data.summary.trim()) ? null : (
          <RichText style={[styles.content, { color: mine ? colors.onUserBubble : failed ? colors.danger : colors.text }]}>{message.content}</RichText>
        )}
        {mine ? <Text style={[styles.time, styles.timeMine, { color: colors.onUserBubble }]}>{time}</Text> : null}
        {failed && onRetry ? <Button label="Retry" variant="danger" compact onPress={onRetry} style={styles.retry} testID="message-retry" /> : null}
        {action.success ? <PendingActionCard action={action.data} resolved={resolvedOutcome(message)} /> : null}
      </View>
    </View>
  );
}

export function OutboxBubble({ item, onRetry, onDiscard }: { item: OutboxItem; onRetry(): void; onDiscard(): void }) {
  const { colors } = useTheme();
  const failed = item.status === 'failed';
  const label = failed ? `Not sent: ${item.error ?? 'error'}` : item.status === 'sending' ? 'Sending…' : (item.error ?? 'Queued');
  return (
    <View style={[styles.row, styles.rowMine]} testID="message-outbox">
      <View
        style={[
          styles.bubble,
          failed
            ? { backgroundColor: colors.dangerSurface, borderColor: colors.danger }
            : { backgroundColor: colors.userBubble, borderColor: colors.userBubble, opacity: 0.85 },
        ]}
      >
        <Text selectable style={[styles.content, { color: failed ? colors.text : colors.onUserBubble }]}>
          {item.content}
        </Text>
        <Text style={[styles.time, styles.timeMine, { color: failed ? colors.danger : colors.onUserBubble }]} role={failed ? 'alert' : undefined}>
          {label}
        </Text>
        {failed ? (
          <View style={styles.actions}>
            <Button label="Retry" variant="danger" compact onPress={onRetry} testID="outbox-retry" />
            <Button label="Delete" variant="ghost" compact onPress={onDiscard} testID="outbox-discard" />
          </View>
        ) : null}
      </View>
    </View>
  );
}

export function StreamingBubble({ reply }: { reply: StreamingReply }) {
  const { colors } = useTheme();
  return (
    <View style={[styles.row, styles.rowTheirs]} testID="message-streaming">
      <View style={[styles.bubble, { backgroundColor: colors.assistantBubble, borderColor: colors.border }]} accessibilityLiveRegion="polite">
        <View style={styles.meta}>
          <AgentBadge agentName={reply.agentName} />
        </View>
        <Text style={[styles.content, { color: colors.text }]}>
          {reply.content}
          <Text style={{ color: colors.textMuted }} aria-hidden>
            ▍
          </Text>
        </Text>
      </View>
    </View>
  );
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', marginVertical: 4 },
  rowMine: { justifyContent: 'flex-end' },
  rowTheirs: { justifyContent: 'flex-start' },
  bubble: { maxWidth: '85%', borderWidth: 1, borderRadius: 16, paddingHorizontal: 12, paddingVertical: 8 },
  meta: { flexDirection: 'row', alignItems: 'center', gap: 8, marginBottom: 4 },
  content: { fontSize: 16, lineHeight: 22 },
  time: { fontSize: 12 },
  timeMine: { alignSelf: 'flex-end', marginTop: 2, opacity: 0.9 },
  retry: { marginTop: 8, alignSelf: 'flex-start' },
  actions: { flexDirection: 'row', gap: 8, marginTop: 8 },
});
