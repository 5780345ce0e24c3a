import { FlatList, StyleSheet, Text, View } from 'react-native';
import type { Message } from '@lifeos/contract';
import { Loading } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import type { ChatItem } from './chat-items';
import { MessageBubble, OutboxBubble, StreamingBubble } from './message-bubble';
import { TypingIndicator } from './typing-indicator';

type Props = {
  items: ChatItem[];
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder(): void;
  onRetryMessage(message: Message): void;
  onRetryOutbox(clientId: string): void;
  onDiscardOutbox(clientId: string): void;
  timeZone?: string;
};

/**
 * The history, drawn bottom-up (an inverted list): the newest item sits at the
 * bottom, and scrolling up to the top edge loads the next older page.
 */
export function MessageList({ items, hasOlder, loadingOlder, onLoadOlder, onRetryMessage, onRetryOutbox, onDiscardOutbox, timeZone }: Props) {
  const { colors } = useTheme();
  return (
    <FlatList
      inverted
      data={items}
      keyExtractor={(item) => item.key}
      renderItem={({ item }) => {
        switch (item.kind) {
          case 'message':
            return <MessageBubble message={item.message} timeZone={timeZone} onRetry={() => onRetryMessage(item.message)} />;
          case 'outbox':
            return <OutboxBubble item={item.item} onRetry={() => onRetryOutbox(item.item.clientId)} onDiscard={() => onDiscardOutbox(item.item.clientId)} />;
          case 'streaming':
            return <StreamingBubble reply={item.reply} />;
          case 'typing':
            return <TypingIndicator />;
        }
      }}
      onEndReached={() => {
        if (hasOlder && !loadingOlder) onLoadOlder();
      }}
      onEndReachedThreshold={0.5}
      ListFooterComponent={
        loadingOlder ? (
          <Loading label="Loading older messages" />
        ) : !hasOlder ? (
          <View style={styles.start}>
            <Text style={[styles.startText, { color: colors.textMuted }]} testID="history-start">
              This is the beginning of your history.
            </Text>
          </View>
        ) : null
      }
      contentContainerStyle={styles.content}
      keyboardShouldPersistTaps="handled"
      role="log"
      accessibilityLabel="Conversation"
      testID="message-list"
    />
  );
}

const styles = StyleSheet.create({
  content: { paddingHorizontal: 12, paddingVertical: 12 },
  start: { paddingVertical: 16, alignItems: 'center' },
  startText: { fontSize: 13 },
});
