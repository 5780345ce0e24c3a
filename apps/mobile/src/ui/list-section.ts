import type { TextStyle, ViewStyle } from 'react-native';

/**
 * The layout of a settings section that lists things (tokens, passkeys, connected
 * applications): one card per row, a name over its details, actions on the right.
 * Spread into a screen's own StyleSheet.create.
 */
export const listSectionStyles: { section: ViewStyle; row: ViewStyle; fill: ViewStyle & TextStyle; name: TextStyle } = {
  section: { gap: 8, marginTop: 24 },
  row: { flexDirection: 'row', alignItems: 'center', gap: 12 },
  fill: { flex: 1, gap: 2 },
  name: { fontSize: 16, fontWeight: '600' },
};
