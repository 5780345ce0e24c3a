import { StyleSheet, Text, View } from 'react-native';
import type { AgentName } from '@lifeos/contract';
import { useTheme } from '@/ui/theme';

export function AgentBadge({ agentName }: { agentName: AgentName | null }) {
  const { colors } = useTheme();
  const palette = agentName ? colors.agents[agentName] : { background: colors.surfaceAlt, text: colors.textMuted };
  return (
    <View style={[styles.badge, { backgroundColor: palette.background }]} testID="agent-badge">
      <Text style={[styles.text, { color: palette.text }]}>{agentName ?? 'Assistant'}</Text>
    </View>
  );
}

const styles = StyleSheet.create({
  badge: { alignSelf: 'flex-start', borderRadius: 999, paddingHorizontal: 8, paddingVertical: 2 },
  text: { fontSize: 12, fontWeight: '700' },
});
