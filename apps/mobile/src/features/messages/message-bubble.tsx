import Feather from '@expo/vector-icons/Feather';
import { useState, type ComponentProps } from 'react';
import { Pressable, StyleSheet, Text, View } from 'react-native';
import { PendingAction, type Message } from '@lifeos/contract';
import { copyText } from '@/lib/clipboard';
import { formatFullDateTime, formatTime, type Clock } from '@/lib/format';
import { Button, focusRing } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { AgentBadge } from './agent-badge';
import { Markdown } from './markdown';
import type { OutboxItem } from './outbox';
import { PendingActionCard, type Outcome } from './pending-action-card';
import type { StreamingReply } from './streaming-replies';
import { TimeLabel } from './time-label';

/** How a pending action ended, once the server updated the proposal's message. */
function resolvedOutcome(message: Message): Outcome | null {
  const status = (message.metadata?.pendingAction as { status?: unknown } | undefined)?.status;
  return status === 'confirmed' || status === 'cancelled' || status === 'failed' ? status : null;
}

/** Who wrote a message, as a person would say it. */
export function senderName(message: Pick<Message, 'role' | 'agentName'>): string {
  return message.role === 'user' ? 'You' : (message.agentName ?? 'Assistant');
}

type BubbleProps = {
  message: Message;
  clock?: Clock;
  /** A failed reply: ask again. */
  onRetry?: () => void;
  /** A model's reply: ask the same question again for a new answer. */
  onRegenerate?: () => void;
  onDelete?: () => void;
  highlighted?: boolean;
};

export function MessageBubble({ message, clock = {}, onRetry, onRegenerate, onDelete, highlighted }: BubbleProps) {
  const { colors } = useTheme();
  const mine = message.role === 'user';
  const failed = message.metadata?.status === 'error';
  const stopped = message.metadata?.status === 'stopped';
  const action = PendingAction.safeParse(message.metadata?.pendingAction);
  const time = formatTime(message.createdAt, clock.timeZone, clock.timeFormat);
  const full = formatFullDateTime(message.createdAt, clock.timeZone, clock.timeFormat);
  const who = senderName(message);
  const textColor = mine ? colors.onUserBubble : failed ? colors.danger : colors.text;
  return (
    <View style={[styles.row, mine ? styles.rowMine : styles.rowTheirs]} testID={mine ? 'message-user' : 'message-assistant'}>
      <View style={[styles.column, mine ? styles.columnMine : null]}>
        <View
          style={[
            styles.bubble,
            mine
              ? { backgroundColor: colors.userBubble, borderColor: colors.userBubble }
              : { backgroundColor: failed ? colors.dangerSurface : colors.assistantBubble, borderColor: failed ? colors.danger : colors.border },
            highlighted && { borderColor: colors.focus, borderWidth: 2 },
          ]}
          testID={highlighted ? 'message-highlighted' : undefined}
        >
          {mine ? <Text style={[styles.hidden, { color: colors.onUserBubble }]}>You:</Text> : null}
          {!mine ? (
            <View style={styles.meta}>
              <AgentBadge agentName={message.agentName} />
              <TimeLabel iso={message.createdAt} short={time} full={full} style={[styles.time, { color: colors.textMuted }]} />
            </View>
          ) : null}
          {/* When the reply is the proposal itself (a mail draft), the card below shows it once. */}
          {action.success && message.content.includes(action.data.summary.trim()) ? null : mine ? (
            // What the user typed is shown as typed; replies are Markdown.
            <Text selectable style={[styles.content, { color: textColor }]}>
              {message.content}
            </Text>
          ) : (
            <Markdown text={message.content} style={[styles.content, { color: textColor }]} />
          )}
          {stopped ? <Text style={[styles.note, { color: colors.textMuted }]}>Stopped</Text> : null}
          {mine ? <TimeLabel iso={message.createdAt} short={time} full={full} style={[styles.time, styles.timeMine, { color: colors.onUserBubble }]} /> : null}
          {failed && onRetry ? <Button label="Retry" variant="danger" compact onPress={onRetry} style={styles.retry} testID="message-retry" /> : null}
          {action.success ? <PendingActionCard action={action.data} resolved={resolvedOutcome(message)} /> : null}
        </View>
        <MessageActions
          message={message}
          label={`${mine ? 'your message' : `${who}'s reply`} of ${time}`}
          onRegenerate={!mine && !failed && !action.success ? onRegenerate : undefined}
          onDelete={onDelete}
        />
      </View>
    </View>
  );
}

type IconName = ComponentProps<typeof Feather>['name'];

function MessageActions({ message, label, onRegenerate, onDelete }: { message: Message; label: string; onRegenerate?: (() => void) | undefined; onDelete?: (() => void) | undefined }) {
  const { colors } = useTheme();
  const [copied, setCopied] = useState(false);
  const copy = () =>
    void copyText(message.content).then((ok) => {
      setCopied(ok);
      if (ok) setTimeout(() => setCopied(false), 2000);
    });
  return (
    <View style={[styles.actions, message.role === 'user' && styles.actionsMine]}>
      <IconButton icon={copied ? 'check' : 'copy'} label={copied ? 'Copied' : `Copy ${label}`} onPress={copy} testID="message-copy" />
      {onRegenerate ? <IconButton icon="refresh-cw" label={`Regenerate ${label}`} onPress={onRegenerate} testID="message-regenerate" /> : null}
      {onDelete ? <IconButton icon="trash-2" label={`Delete ${label}`} onPress={onDelete} testID="message-delete" color={colors.danger} /> : null}
    </View>
  );
}

export function IconButton({ icon, label, onPress, testID, color }: { icon: IconName; label: string; onPress(): void; testID?: string; color?: string }) {
  const { colors } = useTheme();
  return (
    <Pressable
      role="button"
      accessibilityLabel={label}
      onPress={onPress}
      testID={testID}
      hitSlop={6}
      style={(state) => [
        styles.iconButton,
        (state as { hovered?: boolean }).hovered && { backgroundColor: colors.surfaceAlt },
        (state as { focused?: boolean }).focused && focusRing(colors.focus),
      ]}
    >
      <Feather name={icon} size={16} color={color ?? colors.textMuted} />
    </Pressable>
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
        <Text style={[styles.hidden, { color: failed ? colors.text : colors.onUserBubble }]}>You:</Text>
        <Text selectable style={[styles.content, { color: failed ? colors.text : colors.onUserBubble }]}>
          {item.content}
        </Text>
        <Text style={[styles.time, styles.timeMine, { color: failed ? colors.danger : colors.onUserBubble }]} role={failed ? 'alert' : undefined}>
          {label}
        </Text>
        {failed ? (
          <View style={styles.outboxActions}>
            <Button label="Retry" variant="danger" compact onPress={onRetry} testID="outbox-retry" />
            <Button label="Delete" variant="ghost" compact onPress={onDiscard} testID="outbox-discard" />
          </View>
        ) : null}
      </View>
    </View>
  );
}

export function StreamingBubble({ reply, onStop }: { reply: StreamingReply; onStop?: () => void }) {
  const { colors } = useTheme();
  return (
    <View style={[styles.row, styles.rowTheirs]} testID="message-streaming">
      <View style={[styles.bubble, { backgroundColor: colors.assistantBubble, borderColor: colors.border }]}>
        <View style={styles.meta}>
          <AgentBadge agentName={reply.agentName} />
          <Text style={[styles.time, { color: colors.textMuted }]}>writing…</Text>
        </View>
        <Markdown text={`${reply.content} ▍`} style={[styles.content, { color: colors.text }]} />
        {onStop ? <Button label="Stop" variant="secondary" compact onPress={onStop} style={styles.retry} testID="streaming-stop" accessibilityLabel="Stop this reply" /> : null}
      </View>
    </View>
  );
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', marginVertical: 4 },
  rowMine: { justifyContent: 'flex-end' },
  rowTheirs: { justifyContent: 'flex-start' },
  column: { maxWidth: '85%', flexShrink: 1 },
  columnMine: { alignItems: 'flex-end' },
  bubble: { borderWidth: 1, borderRadius: 16, paddingHorizontal: 12, paddingVertical: 8, maxWidth: '100%' },
  meta: { flexDirection: 'row', alignItems: 'center', gap: 8, marginBottom: 4 },
  content: { fontSize: 16, lineHeight: 22 },
  time: { fontSize: 12 },
  timeMine: { alignSelf: 'flex-end', marginTop: 2, opacity: 0.9 },
  note: { fontSize: 12, fontStyle: 'italic', marginTop: 4 },
  retry: { marginTop: 8, alignSelf: 'flex-start' },
  actions: { flexDirection: 'row', gap: 2, marginTop: 2 },
  actionsMine: { justifyContent: 'flex-end' },
  outboxActions: { flexDirection: 'row', gap: 8, marginTop: 8 },
  iconButton: { width: 28, height: 28, borderRadius: 6, alignItems: 'center', justifyContent: 'center' },
  // Read by screen readers, not shown: who said it.
  hidden: { position: 'absolute', width: 1, height: 1, overflow: 'hidden' },
});
