import { forwardRef, useEffect, useImperativeHandle, useLayoutEffect, useRef } from 'react';
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
    if (content === 0 || viewport === 0) return; // not laid out yet
    // Distance to the oldest end: offsets run from 0 (newest) to -(content - viewport).
    if (hasOlder && !loadingOlder && content - viewport + offset < LOAD_OLDER_PX) onLoadOlder();
  };
  // A first page that does not fill the screen: keep loading.
  useEffect(maybeLoadOlder);

  const onScroll = (event: NativeSyntheticEvent<NativeScrollEvent>) => {
    const { contentOffset, contentSize, layoutMeasurement } = event.nativeEvent;
    metrics.current = { offset: contentOffset.y, content: contentSize.height, viewport: layoutMeasurement.height };
    const away = Math.abs(contentOffset.y) > NEAR_LATEST_PX;
    // The reader scrolled up on their own: stop holding the latest in view.
    if (away) pinnedUntil.current = 0;
    setAway(away);
    maybeLoadOlder();
  };

  // An older page went in above: keep the same distance from the newest end, so
  // what the reader looks at does not move (the browser would keep the top instead).
  const messageKeys = props.items.filter((i) => i.kind === 'message').map((i) => i.key);
  const oldestKey = messageKeys.at(-1);
  const newestKey = messageKeys[0];
  const previous = useRef({ oldestKey, newestKey });
  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = { oldestKey, newestKey };
    if (before.oldestKey === oldestKey || before.newestKey !== newestKey) return;
    const node = scroller.current?.getScrollableNode?.() as HTMLElement | undefined;
    if (node && metrics.current.offset < 0) node.scrollTop = metrics.current.offset;
  }, [oldestKey, newestKey]);

  const chronological = [...props.items].reverse();
  return (
    <View style={styles.fill} role="log" aria-label="Conversation">
      <ScrollView
        ref={scroller}
        style={styles.scroller}
        contentContainerStyle={styles.content}
        onScroll={onScroll}
        // The reader takes over: stop holding the latest in view.
        {...({ onWheel: () => (pinnedUntil.current = 0) } as object)}
        onTouchMove={() => (pinnedUntil.current = 0)}
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
