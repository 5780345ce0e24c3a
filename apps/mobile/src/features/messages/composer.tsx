import { forwardRef, useImperativeHandle, useRef, useState } from 'react';
import {
  Platform,
  StyleSheet,
  Text,
  TextInput,
  View,
  useWindowDimensions,
  type NativeSyntheticEvent,
  type TextInputKeyPressEventData,
  type TextInputSelectionChangeEventData,
} from 'react-native';
import { MAX_MESSAGE_LENGTH, type Agent } from '@lifeos/contract';
import { Button, focusRing } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { applyMention, findMentionQuery } from './mention';
import { MentionPicker } from './mention-picker';

export type ComposerHandle = { setText(text: string): void; focus(): void };

const MIN_HEIGHT = 44;

/** A phone or tablet browser: Enter writes a new line there, the Send button sends. */
function touchFirst(): boolean {
  if (Platform.OS !== 'web') return true;
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia('(pointer: coarse)').matches;
}

type KeyEvent = NativeSyntheticEvent<TextInputKeyPressEventData & { shiftKey?: boolean }> & { preventDefault?(): void };

type ComposerProps = {
  agents: Agent[];
  onSend(text: string): void;
  /** While a reply is being written: a Stop button next to Send. */
  onStop?: (() => void) | undefined;
  autoFocus?: boolean;
};

/**
 * The message box. Typing "@" opens the agent picker (arrows + Enter/Tab or a tap
 * to choose, Escape to close); with a keyboard Enter sends and Shift+Enter breaks
 * a line, on a phone Enter breaks a line and the Send button sends. It grows
 * with its text up to 40 % of the screen, then scrolls.
 */
export const Composer = forwardRef<ComposerHandle, ComposerProps>(function Composer({ agents, onSend, onStop, autoFocus }, ref) {
  const { colors } = useTheme();
  const { height: screenHeight } = useWindowDimensions();
  const maxHeight = Math.max(MIN_HEIGHT * 2, Math.round(screenHeight * 0.4));
  const [contentHeight, setContentHeight] = useState(MIN_HEIGHT);
  const input = useRef<TextInput>(null);
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [forcedSelection, setForcedSelection] = useState<{ start: number; end: number } | undefined>();
  const [highlighted, setHighlighted] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [focused, setFocused] = useState(false);

  useImperativeHandle(ref, () => ({
    setText(next: string) {
      setText(next);
      setCaret(next.length);
      setForcedSelection({ start: next.length, end: next.length });
      input.current?.focus();
    },
    focus: () => input.current?.focus(),
  }));

  const mention = findMentionQuery(text, caret);
  const matches = mention ? agents.filter((agent) => agent.name.slice(1).startsWith(mention.query)) : [];
  const pickerOpen = mention !== null && matches.length > 0 && dismissedAt !== mention.start;
  const active = Math.min(highlighted, Math.max(matches.length - 1, 0));
  const tooLong = text.length > MAX_MESSAGE_LENGTH;
  const canSend = text.trim().length > 0 && !tooLong;

  function change(next: string) {
    setText(next);
    // Typing usually happens at the end; onSelectionChange corrects it otherwise.
    setCaret(next.length);
    setHighlighted(0);
    if (dismissedAt !== null && !findMentionQuery(next, next.length)) setDismissedAt(null);
  }

  function choose(agent: Agent) {
    if (!mention) return;
    const result = applyMention(text, mention, agent.name);
    setText(result.text);
    setCaret(result.caret);
    setForcedSelection({ start: result.caret, end: result.caret });
    setHighlighted(0);
    input.current?.focus();
  }

  function send() {
    if (!canSend) return;
    onSend(text.trim());
    setText('');
    setCaret(0);
    setDismissedAt(null);
    setContentHeight(MIN_HEIGHT);
    // Pressing Send moved the focus to the button: the next message is typed right away.
    input.current?.focus();
  }

  function keyPress(event: KeyEvent) {
    const { key, shiftKey } = event.nativeEvent;
    if (pickerOpen) {
      if (key === 'ArrowDown' || key === 'ArrowUp') {
        event.preventDefault?.();
        const step = key === 'ArrowDown' ? 1 : -1;
        setHighlighted((active + step + matches.length) % matches.length);
        return;
      }
      if (key === 'Enter' || key === 'Tab') {
        event.preventDefault?.();
        const agent = matches[active];
        if (agent) choose(agent);
        return;
      }
      if (key === 'Escape') {
        event.preventDefault?.();
        setDismissedAt(mention.start);
        return;
      }
    }
    if (Platform.OS === 'web' && key === 'Enter' && !shiftKey && !touchFirst()) {
      event.preventDefault?.();
      send();
    }
  }

  return (
    <View style={[styles.wrap, { borderTopColor: colors.border, backgroundColor: colors.background }]}>
      {pickerOpen ? <MentionPicker agents={matches} highlighted={active} onChoose={choose} /> : null}
      <View style={styles.row}>
        <TextInput
          ref={input}
          value={text}
          onChangeText={change}
          selection={forcedSelection}
          onSelectionChange={(e: NativeSyntheticEvent<TextInputSelectionChangeEventData>) => {
            setCaret(e.nativeEvent.selection.end);
            if (forcedSelection) setForcedSelection(undefined);
          }}
          onKeyPress={keyPress}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
          onContentSizeChange={(e) => setContentHeight(e.nativeEvent.contentSize.height)}
          autoFocus={autoFocus}
          enterKeyHint={touchFirst() ? 'enter' : 'send'}
          multiline
          placeholder="Message — @ for an agent"
          placeholderTextColor={colors.textMuted}
          accessibilityLabel="Message"
          accessibilityHint="Type @ to mention an agent"
          style={[
            styles.input,
            { maxHeight, height: text ? Math.min(Math.max(MIN_HEIGHT, Math.ceil(contentHeight)), maxHeight) : MIN_HEIGHT },
            { color: colors.text, backgroundColor: colors.surface, borderColor: tooLong ? colors.danger : focused ? colors.focus : colors.border },
            focused && focusRing(colors.focus),
          ]}
          testID="composer-input"
        />
        {onStop ? <Button label="Stop" variant="secondary" onPress={onStop} testID="composer-stop" accessibilityLabel="Stop the reply" /> : null}
        <Button label="Send" onPress={send} disabled={!canSend} testID="composer-send" />
      </View>
      {text.length > MAX_MESSAGE_LENGTH - 500 ? (
        <Text style={[styles.counter, { color: tooLong ? colors.danger : colors.textMuted }]} role="status">
          {text.length.toLocaleString()} / {MAX_MESSAGE_LENGTH.toLocaleString()} characters
        </Text>
      ) : null}
    </View>
  );
});

const styles = StyleSheet.create({
  wrap: { borderTopWidth: 1, paddingHorizontal: 12, paddingTop: 10, paddingBottom: 10 },
  row: { flexDirection: 'row', alignItems: 'flex-end', gap: 8 },
  input: {
    flex: 1,
    minHeight: MIN_HEIGHT,
    borderWidth: 1,
    borderRadius: 12,
    paddingHorizontal: 12,
    paddingTop: 11,
    paddingBottom: 11,
    fontSize: 16,
  },
  counter: { fontSize: 12, marginTop: 4, textAlign: 'right' },
});
