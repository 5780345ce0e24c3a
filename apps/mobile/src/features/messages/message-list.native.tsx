import { forwardRef, useImperativeHandle, useRef } from 'react';
import { FlatList, StyleSheet, View, type NativeScrollEvent, type NativeSyntheticEvent } from 'react-native';
import type { ChatItem } from './chat-items';
import { ChatRow, HistoryStart, messageAnchor, type MessageListHandle, type MessageListProps } from './chat-row';
import { JumpToLatest, useAwayFromLatest } from './jump-to-latest';

const NEAR_LATEST_PX = 80;

/**
 * The history on iOS and Android, drawn bottom-up (an inverted list): the newest
 * item sits at the bottom, and scrolling up to the top edge loads the next older
 * page without moving what is on screen.
 */
export const MessageList = forwardRef<MessageListHandle, MessageListProps>(function MessageList(props, ref) {
  const list = useRef<FlatList<ChatItem>>(null);
  const { away, setAway, newCount } = useAwayFromLatest(props.items);
  useImperativeHandle(ref, () => ({
    scrollToLatest() {
      list.current?.scrollToOffset({ offset: 0, animated: true });
      setAway(false);
    },
    scrollToMessage(id) {
      const index = props.items.findIndex((i) => i.kind === 'message' && i.message.id === id);
      if (index < 0) return false;
      list.current?.scrollToIndex({ index, viewPosition: 0.5, animated: true });
      return true;
    },
  }));
  const onScroll = (event: NativeSyntheticEvent<NativeScrollEvent>) => setAway(event.nativeEvent.contentOffset.y > NEAR_LATEST_PX);
  return (
    <View style={styles.fill}>
      <FlatList
        ref={list}
        inverted
        data={props.items}
        keyExtractor={(item) => item.key}
        renderItem={({ item }) => (
          <View nativeID={item.kind === 'message' ? messageAnchor(item.message.id) : undefined}>
            <ChatRow item={item} props={props} />
          </View>
        )}
        onScroll={onScroll}
        scrollEventThrottle={100}
        onScrollToIndexFailed={() => undefined}
        onEndReached={() => {
          if (props.hasOlder && !props.loadingOlder) props.onLoadOlder();
        }}
        onEndReachedThreshold={0.5}
        ListFooterComponent={<HistoryStart loadingOlder={props.loadingOlder} hasOlder={props.hasOlder} />}
        contentContainerStyle={styles.content}
        keyboardShouldPersistTaps="handled"
        accessibilityLabel="Conversation"
        testID="message-list"
      />
      {away ? <JumpToLatest count={newCount} onPress={() => list.current?.scrollToOffset({ offset: 0, animated: true })} /> : null}
    </View>
  );
});

const styles = StyleSheet.create({
  fill: { flex: 1 },
  content: { paddingHorizontal: 12, paddingVertical: 12 },
});
