import { useEffect, useState } from 'react';
import { Pressable, ScrollView, StyleSheet, Text, TextInput, View } from 'react-native';
import type { Message } from '@lifeos/contract';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime, type Clock } from '@/lib/format';
import { Button, focusRing } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { senderName } from './message-bubble';
import { useMessageSearch } from './messages.queries';

/** Waits until typing pauses before searching. */
function useDebounced(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Search over the whole conversation (GET /api/messages?q=); a result opens the message in place. */
export function MessageSearch({ clock, onOpen, onClose }: { clock: Clock; onOpen(message: Message): void; onClose(): void }) {
  const { colors } = useTheme();
  const [text, setText] = useState('');
  const q = useDebounced(text, 250);
  const search = useMessageSearch(q);
  const [focused, setFocused] = useState(false);
  const results = search.data?.messages ?? [];
  return (
    <View style={[styles.panel, { borderBottomColor: colors.border, backgroundColor: colors.background }]} role={'search' as never} aria-label="Search the conversation">
      <View style={styles.row}>
        <TextInput
          value={text}
          onChangeText={setText}
          autoFocus
          placeholder="Search your messages"
          placeholderTextColor={colors.textMuted}
          accessibilityLabel="Search messages"
          onKeyPress={(e) => {
            if ((e.nativeEvent as { key?: string }).key === 'Escape') onClose();
          }}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
          style={[styles.input, { color: colors.text, backgroundColor: colors.surface, borderColor: focused ? colors.focus : colors.border }, focused && focusRing(colors.focus)]}
          testID="chat-search-input"
        />
        <Button label="Close" variant="ghost" compact onPress={onClose} accessibilityLabel="Close search" />
      </View>
      {q.trim() ? (
        <ScrollView style={styles.results} keyboardShouldPersistTaps="handled">
          {search.isError ? (
            <Text style={{ color: colors.danger }} role="alert">
              {errorMessage(search.error)}
            </Text>
          ) : search.isPending ? (
            <Text style={{ color: colors.textMuted }} role="status">
              Searching…
            </Text>
          ) : results.length === 0 ? (
            <Text style={{ color: colors.textMuted }} role="status">
              No messages match “{q.trim()}”.
            </Text>
          ) : (
            <View role="list" aria-label="Search results">
              {results.map((message) => (
                <View role="listitem" key={message.id}>
                  <Pressable
                    role="button"
                    accessibilityLabel={`${senderName(message)}, ${formatDateTime(message.createdAt, clock.timeZone, clock.timeFormat)}: ${message.content.slice(0, 120)}`}
                    onPress={() => onOpen(message)}
                    style={(state) => [
                      styles.result,
                      { borderColor: colors.border },
                      (state as { hovered?: boolean }).hovered && { backgroundColor: colors.surfaceAlt },
                      (state as { focused?: boolean }).focused && focusRing(colors.focus),
                    ]}
                    testID="chat-search-result"
                  >
                    <Text style={[styles.meta, { color: colors.textMuted }]}>
                      {senderName(message)} · {formatDateTime(message.createdAt, clock.timeZone, clock.timeFormat)}
                    </Text>
                    <Text numberOfLines={2} style={{ color: colors.text }}>
                      {message.content}
                    </Text>
                  </Pressable>
                </View>
              ))}
            </View>
          )}
        </ScrollView>
      ) : null}
    </View>
  );
}

const styles = StyleSheet.create({
  panel: { borderBottomWidth: 1, paddingHorizontal: 12, paddingVertical: 8, gap: 8 },
  row: { flexDirection: 'row', alignItems: 'center', gap: 8 },
  input: { flex: 1, borderWidth: 1, borderRadius: 10, paddingHorizontal: 12, paddingVertical: 8, fontSize: 16, minHeight: 40 },
  results: { maxHeight: 280 },
  result: { borderWidth: 1, borderRadius: 10, padding: 10, marginBottom: 6, gap: 2 },
  meta: { fontSize: 12 },
});
