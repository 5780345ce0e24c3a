import { useEffect, useRef } from 'react';
import { Animated, StyleSheet, View } from 'react-native';
import { useTheme } from '@/ui/theme';

/** Three pulsing dots while a reply is on its way. */
export function TypingIndicator() {
  const { colors } = useTheme();
  const phase = useRef(new Animated.Value(0)).current;
  useEffect(() => {
    const loop = Animated.loop(Animated.timing(phase, { toValue: 3, duration: 1200, useNativeDriver: false }));
    loop.start();
    return () => loop.stop();
  }, [phase]);
  return (
    <View
      style={[styles.bubble, { backgroundColor: colors.assistantBubble, borderColor: colors.border }]}
      role="status"
      accessibilityLabel="Assistant is typing"
      testID="typing-indicator"
    >
      {[0, 1, 2].map((i) => (
        <Animated.View
          key={i}
          style={[
            styles.dot,
            {
              backgroundColor: colors.textMuted,
              opacity: phase.interpolate({ inputRange: [i, i + 0.5, i + 1], outputRange: [0.3, 1, 0.3], extrapolate: 'clamp' }),
            },
          ]}
        />
      ))}
    </View>
  );
}

const styles = StyleSheet.create({
  bubble: { flexDirection: 'row', alignSelf: 'flex-start', borderWidth: 1, borderRadius: 16, paddingHorizontal: 14, paddingVertical: 12, marginVertical: 4, gap: 5 },
  dot: { width: 7, height: 7, borderRadius: 4 },
});
