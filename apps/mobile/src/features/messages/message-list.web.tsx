import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { ScrollView, StyleSheet, View, type NativeScrollEvent, type NativeSyntheticEvent } from 'react-native';
import { ChatRow, HistoryStart, messageAnchor, type MessageListHandle, type MessageListProps } from './chat-row';
import { JumpToLatest, useAwayFromLatest } from './jump-to-latest';

const NEAR_LATEST_PX = 80;
const LOAD_OLDER_PX = 400;

/**
 * The history in a browser. The page holds the messages in reading order
 * (oldest first: screen readers, selection and copying follow it), inside a
 * scroller laid out bottom-up (`column-reverse`): it opens at the newest
 * message, and a page of older messages added at the top does not move what
 * is on screen.
 */
export const MessageList = forwardRef<MessageListHandle, MessageListProps>(function MessageList(props, ref) {
  const scroller = useRef<ScrollView>(null);
  const metrics = useRef({ offset: 0, content: 0, viewport: 0 });
  const { away, setAway, newCount } = useAwayFromLatest(props.items);
  const { hasOlder, loadingOlder, onLoadOlder } = props;

  // After a send, what follows (the message, the reply) stays in view for a moment.
  const pinnedUntil = useRef(0);
  const scrollToLatest = () => {
    // With column-reverse the newest end is offset 0.
    scroller.current?.scrollTo({ y: 0, animated: false });
    pinnedUntil.current = Date.now() + 2_000;
    setAway(false);
  };
  useEffect(() => {
    if (Date.now() < pinnedUntil.current) scroller.current?.scrollTo({ y: 0, animated: false });
  }, [props.items]);
  useImperativeHandle(ref, () => ({
    scrollToLatest,
    scrollToMessage(id) {
      const element = document.getElementById(messageAnchor(id));
      if (!element) return false;
      element.scrollIntoView({ block: 'center', behavior: 'smooth' });
      return true;
    },
  }));

  const maybeLoadOlder = () => {
    const { offset, content, viewport } = metrics.current;
    // Distance to the oldest end: offsets run from 0 (newest) to -(content - viewport).
    if (hasOlder && !loadingOlder && content - viewport + offset < LOAD_OLDER_PX) onLoadOlder();
  };
  // A first page that does not fill the screen: keep loading.
  useEffect(maybeLoadOlder);

  const onScroll = (event: NativeSyntheticEvent<NativeScrollEvent>) => {
    const { contentOffset, contentSize, layoutMeasurement } = event.nativeEvent;
    metrics.current = { offset: contentOffset.y, content: contentSize.height, viewport: layoutMeasurement.height };
    setAway(Math.abs(contentOffset.y) > NEAR_LATEST_PX);
    maybeLoadOlder();
  };

  const chronological = [...props.items].reverse();
  return (
    <View style={styles.fill} role="log" aria-label="Conversation">
      <ScrollView
        ref={scroller}
        style={styles.scroller}
        contentContainerStyle={styles.content}
        onScroll={onScroll}
        scrollEventThrottle={100}
        onLayout={(e) => (metrics.current.viewport = e.nativeEvent.layout.height)}
        onContentSizeChange={(_w, h) => (metrics.current.content = h)}
        keyboardShouldPersistTaps="handled"
        testID="message-list"
      >
        <HistoryStart loadingOlder={loadingOlder} hasOlder={hasOlder} />
        <View role="list" aria-label="Messages">
          {chronological.map((item) => (
            <View key={item.key} role="listitem" nativeID={item.kind === 'message' ? messageAnchor(item.message.id) : undefined}>
              <ChatRow item={item} props={props} />
            </View>
          ))}
        </View>
      </ScrollView>
      {away ? <JumpToLatest count={newCount} onPress={scrollToLatest} /> : null}
    </View>
  );
});

const styles = StyleSheet.create({
  fill: { flex: 1 },
  scroller: { flex: 1, flexDirection: 'column-reverse' },
  content: { paddingHorizontal: 12, paddingVertical: 12 },
});
