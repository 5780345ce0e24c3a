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
  // A row not drawn yet cannot be scrolled to: jump near it by the average row height, then try again (a few times).
  const retries = useRef(0);
  const { away, setAway, newCount } = useAwayFromLatest(props.items);
  useImperativeHandle(ref, () => ({
    scrollToLatest() {
      list.current?.scrollToOffset({ offset: 0, animated: true });
      setAway(false);
    },
    scrollToMessage(id) {
      const index = props.items.findIndex((i) => i.kind === 'message' && i.message.id === id);
      if (index < 0) return false;
      retries.current = 0;
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
        onScrollToIndexFailed={(info) => {
          if (retries.current++ >= 3) return;
          list.current?.scrollToOffset({ offset: info.averageItemLength * info.index, animated: false });
          setTimeout(() => list.current?.scrollToIndex({ index: info.index, viewPosition: 0.5, animated: true }), 100);
        }}
        // A highlighted message (search, notification) redraws its row even when the items did not change.
        extraData={props.highlightedId}
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
