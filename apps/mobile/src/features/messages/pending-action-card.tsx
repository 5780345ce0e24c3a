import { useState } from 'react';
import { Platform, StyleSheet, Text, View } from 'react-native';
import { ApiError, errorMessage } from '@/lib/api-client';
import type { PendingAction } from '@lifeos/contract';
import { Button, Notice } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { useDecideAction, type Decision } from './actions.queries';
import { RichText } from './rich-text';

export type Outcome = 'confirmed' | 'cancelled' | 'failed' | 'handled';

// The kinds the agents propose today; any other kind gets a title from its words.
const TITLES: Record<string, string> = {
  'mail.send': 'Send this email?',
  'cal.delete_event': 'Delete this event?',
  'cal.update_event': 'Change this event?',
  'cal.create_external': 'Add this to your calendar?',
  'mem.forget': 'Forget this?',
};

function titleFor(kind: string): string {
  if (TITLES[kind]) return TITLES[kind];
  if (/mail|send/i.test(kind)) return 'Send this email?';
  if (/delete|remove|forget/i.test(kind)) return 'Delete this?';
  return 'Confirm this action?';
}

/**
 * An agent's proposal that runs only when the user says so (a mail to send, an
 * event to delete): the full summary, then Confirm or Cancel.
 */
export function PendingActionCard({ action, resolved, now = Date.now() }: { action: PendingAction; resolved?: Outcome | null; now?: number }) {
  const { colors } = useTheme();
  const decide = useDecideAction();
  const [chosen, setOutcome] = useState<Outcome | null>(null);
  // The server's word (message.updated from any device) wins over the local one.
  const outcome = resolved ?? chosen;
  const expired = Date.parse(action.expiresAt) <= now;
  const done = outcome ?? (expired ? 'expired' : null);

  function choose(decision: Decision) {
    decide.mutate(
      { actionId: action.id, decision },
      {
        onSuccess: () => setOutcome(decision === 'confirm' ? 'confirmed' : 'cancelled'),
        onError: (error) => {
          // 409: confirmed or cancelled already (on another device, or twice here).
          if (error instanceof ApiError && error.status === 409) setOutcome('handled');
        },
      },
    );
  }

  const statusText =
    done === 'confirmed'
      ? 'Confirmed.'
      : done === 'cancelled'
        ? 'Cancelled.'
        : done === 'failed'
          ? 'Confirmed, but it did not work: see the reply below.'
          : done === 'handled'
            ? 'This was already handled.'
            : done === 'expired'
              ? 'This request has expired. Ask again for a fresh one.'
              : null;

  return (
    <View
      style={[styles.card, { borderColor: colors.primary, backgroundColor: colors.surface }]}
      role="group"
      accessibilityLabel={titleFor(action.kind)}
      testID="pending-action"
    >
      <Text style={[styles.title, { color: colors.text }]}>{titleFor(action.kind)}</Text>
      <View style={[styles.summaryBox, { backgroundColor: colors.surfaceAlt }]} testID="pending-action-summary">
        {/* A mail draft keeps its layout in a fixed-width font; other summaries read as text. */}
        <RichText style={[styles.summary, { color: colors.text }, action.kind === 'mail.send' && styles.draft]}>{action.summary}</RichText>
      </View>
      {decide.error && !(decide.error instanceof ApiError && decide.error.status === 409) ? <Notice>{errorMessage(decide.error)}</Notice> : null}
      {statusText ? (
        <Text style={[styles.status, { color: colors.textMuted }]} role="status" testID="pending-action-status">
          {statusText}
        </Text>
      ) : (
        <View style={styles.buttons}>
          <Button
            label="Confirm"
            onPress={() => choose('confirm')}
            busy={decide.isPending && decide.variables?.decision === 'confirm'}
            disabled={decide.isPending}
            compact
            testID="pending-action-confirm"
          />
          <Button
            label="Cancel"
            variant="secondary"
            onPress={() => choose('cancel')}
            busy={decide.isPending && decide.variables?.decision === 'cancel'}
            disabled={decide.isPending}
            compact
            testID="pending-action-cancel"
          />
        </View>
      )}
    </View>
  );
}

const styles = StyleSheet.create({
  card: { borderWidth: 1, borderRadius: 12, padding: 12, marginTop: 8 },
  title: { fontSize: 15, fontWeight: '700', marginBottom: 8 },
  summaryBox: { padding: 10, borderRadius: 8, marginBottom: 10 },
  summary: { fontSize: 15, lineHeight: 21 },
  draft: {
    fontSize: 14,
    lineHeight: 20,
    fontFamily: Platform.select({ ios: 'Menlo', android: 'monospace', default: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' }),
  },
  buttons: { flexDirection: 'row', gap: 10 },
  status: { fontStyle: 'italic' },
});
