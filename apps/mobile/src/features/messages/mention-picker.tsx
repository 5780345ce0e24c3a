import { Pressable, StyleSheet, Text, View } from 'react-native';
import type { Agent } from '@lifeos/contract';
import { useTheme } from '@/ui/theme';

/** The agents the "@" being typed can become, with what each one does. */
export function MentionPicker({ agents, highlighted, onChoose }: { agents: Agent[]; highlighted: number; onChoose(agent: Agent): void }) {
  const { colors } = useTheme();
  return (
    <View
      role="menu"
      accessibilityLabel="Agents"
      style={[styles.picker, { backgroundColor: colors.surface, borderColor: colors.border }]}
      testID="mention-picker"
    >
      {agents.map((agent, index) => {
        const active = index === highlighted;
        const palette = colors.agents[agent.name];
        return (
          <Pressable
            key={agent.name}
            role="menuitem"
            accessibilityState={{ selected: active }}
            aria-selected={active}
            accessibilityLabel={`${agent.name}: ${agent.description}`}
            onPress={() => onChoose(agent)}
            // Keep the text field focused on web while the mouse picks an item.
            {...({ onMouseDown: (e: { preventDefault(): void }) => e.preventDefault() } as object)}
            style={({ pressed }) => [styles.item, (active || pressed) && { backgroundColor: colors.surfaceAlt }]}
            testID={`mention-option-${agent.name.slice(1)}`}
          >
            <Text style={[styles.name, { color: palette.text, backgroundColor: palette.background }]}>{agent.name}</Text>
            <View style={styles.body}>
              <Text style={[styles.description, { color: colors.text }]}>{agent.description}</Text>
              {agent.status === 'needs_connection' ? (
                <Text style={[styles.note, { color: colors.textMuted }]}>Needs a connected account (Settings → Connections)</Text>
              ) : null}
            </View>
          </Pressable>
        );
      })}
    </View>
  );
}

const styles = StyleSheet.create({
  picker: { borderWidth: 1, borderRadius: 12, marginBottom: 8, overflow: 'hidden' },
  item: { flexDirection: 'row', alignItems: 'flex-start', gap: 10, paddingHorizontal: 12, paddingVertical: 10 },
  name: { fontWeight: '700', fontSize: 14, borderRadius: 999, paddingHorizontal: 8, paddingVertical: 2, overflow: 'hidden' },
  body: { flex: 1 },
  description: { fontSize: 14 },
  note: { fontSize: 12, marginTop: 2 },
});
