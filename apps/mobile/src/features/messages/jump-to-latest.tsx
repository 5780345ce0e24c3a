import Feather from '@expo/vector-icons/Feather';
import { useEffect, useState } from 'react';
import { Pressable, StyleSheet, Text } from 'react-native';
import { focusRing } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import type { ChatItem } from './chat-items';

const newestMessageKey = (items: ChatItem[]) => items.find((i) => i.kind === 'message')?.key ?? null;

/** How many messages arrived since the reader scrolled away from the latest one (items newest first). */
export function countNewSince(items: ChatItem[], seenKey: string | null): number {
  if (!seenKey) return 0;
  let count = 0;
  for (const item of items) {
    if (item.key === seenKey) return count;
    if (item.kind === 'message') count += 1;
  }
  return 0;
}

/** Tracks whether the reader is away from the latest message, and what came in meanwhile. */
export function useAwayFromLatest(items: ChatItem[]) {
  const [away, setAway] = useState(false);
  const newest = newestMessageKey(items);
  const [seen, setSeen] = useState(newest);
  useEffect(() => {
    if (!away) setSeen(newest);
  }, [away, newest]);
  return { away, setAway, newCount: away ? countNewSince(items, seen) : 0 };
}

export function JumpToLatest({ count, onPress }: { count: number; onPress(): void }) {
  const { colors } = useTheme();
  const label = count > 0 ? `Jump to latest (${count} new)` : 'Jump to latest';
  return (
    <Pressable
      role="button"
      accessibilityLabel={label}
      onPress={onPress}
      testID="jump-to-latest"
      style={(state) => [
        styles.button,
        { backgroundColor: colors.surface, borderColor: colors.border },
        (state as { focused?: boolean }).focused && focusRing(colors.focus),
      ]}
    >
      <Feather name="arrow-down" size={16} color={colors.text} />
      <Text style={[styles.text, { color: colors.text }]}>{label}</Text>
    </Pressable>
  );
}

const styles = StyleSheet.create({
  button: {
    position: 'absolute',
    bottom: 12,
    alignSelf: 'center',
    flexDirection: 'row',
    alignItems: 'center',
    gap: 6,
    borderWidth: 1,
    borderRadius: 999,
    paddingHorizontal: 14,
    paddingVertical: 8,
    shadowColor: '#000',
    shadowOpacity: 0.15,
    shadowRadius: 6,
    shadowOffset: { width: 0, height: 2 },
    elevation: 3,
  },
  text: { fontSize: 14, fontWeight: '600' },
});
