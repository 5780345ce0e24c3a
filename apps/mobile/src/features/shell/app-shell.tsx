import { Link, usePathname, type Href } from 'expo-router';
import type { ReactNode } from 'react';
import { StyleSheet, Text, useWindowDimensions, View } from 'react-native';
import { SafeAreaView } from 'react-native-safe-area-context';
import { useLogout, useMe } from '@/features/auth/auth.queries';
import { useMessaging } from '@/features/messages/messaging-provider';
import { Button } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';

type NavItem = { href: Href; label: string; match(path: string): boolean };

const PRIMARY: NavItem[] = [
  { href: '/', label: 'Chat', match: (p) => p === '/' },
  { href: '/memories', label: 'Memories', match: (p) => p.startsWith('/memories') },
  { href: '/calendar', label: 'Calendar', match: (p) => p.startsWith('/calendar') },
];
const SETTINGS: NavItem[] = [
  { href: '/settings/connections', label: 'Connections', match: (p) => p.startsWith('/settings/connections') },
  { href: '/settings/devices', label: 'Devices', match: (p) => p.startsWith('/settings/devices') },
  { href: '/settings/account', label: 'Account', match: (p) => p.startsWith('/settings/account') },
];
const SETTINGS_TAB: NavItem = { href: '/settings', label: 'Settings', match: (p) => p.startsWith('/settings') };

export const WIDE_BREAKPOINT = 900;

/** Sidebar on wide screens, bottom tabs on phones; the screen in between. */
export function AppShell({ children }: { children: ReactNode }) {
  const { width } = useWindowDimensions();
  const { colors } = useTheme();
  const wide = width >= WIDE_BREAKPOINT;
  return (
    <SafeAreaView style={[styles.fill, { backgroundColor: colors.background }]} edges={wide ? ['top', 'bottom', 'left', 'right'] : ['top', 'left', 'right']}>
      <View style={[styles.fill, wide && styles.row]}>
        {wide ? <Sidebar /> : null}
        <View style={styles.fill} role="main">
          {children}
        </View>
        {wide ? null : <TabBar />}
      </View>
    </SafeAreaView>
  );
}

function NavLink({ item, active, variant }: { item: NavItem; active: boolean; variant: 'side' | 'tab' }) {
  const { colors } = useTheme();
  return (
    <Link
      href={item.href}
      aria-current={active ? 'page' : undefined}
      accessibilityState={{ selected: active }}
      style={[
        variant === 'side' ? styles.sideLink : styles.tabLink,
        { color: active ? colors.link : colors.text },
        active && variant === 'side' && { backgroundColor: colors.surfaceAlt },
        active && styles.activeText,
      ]}
      testID={`nav-${item.label.toLowerCase()}`}
    >
      {item.label}
    </Link>
  );
}

function Sidebar() {
  const { colors } = useTheme();
  const path = usePathname();
  const me = useMe();
  const logout = useLogout();
  const { liveState } = useMessaging();
  return (
    <View role="navigation" accessibilityLabel="Main" style={[styles.sidebar, { borderRightColor: colors.border, backgroundColor: colors.surface }]}>
      <Text style={[styles.brand, { color: colors.text }]}>LifeOS</Text>
      {PRIMARY.map((item) => (
        <NavLink key={item.label} item={item} active={item.match(path)} variant="side" />
      ))}
      <Text style={[styles.group, { color: colors.textMuted }]}>Settings</Text>
      {SETTINGS.map((item) => (
        <NavLink key={item.label} item={item} active={item.match(path)} variant="side" />
      ))}
      <View style={styles.fill} />
      <Text style={[styles.small, { color: colors.textMuted }]} numberOfLines={1}>
        {me.data?.email ?? ''}
      </Text>
      <Text style={[styles.small, { color: colors.textMuted }]} role="status" testID="live-state">
        {liveState === 'open' ? 'Live' : liveState === 'connecting' ? 'Connecting…' : 'Offline, reconnecting…'}
      </Text>
      <Button label="Log out" variant="secondary" compact busy={logout.isPending} onPress={() => logout.mutate()} style={styles.logout} />
    </View>
  );
}

function TabBar() {
  const { colors } = useTheme();
  const path = usePathname();
  return (
    <SafeAreaView edges={['bottom']} style={{ backgroundColor: colors.surface }}>
      <View role="navigation" accessibilityLabel="Main" style={[styles.tabBar, { borderTopColor: colors.border }]}>
        {[...PRIMARY, SETTINGS_TAB].map((item) => (
          <NavLink key={item.label} item={item} active={item.match(path)} variant="tab" />
        ))}
      </View>
    </SafeAreaView>
  );
}

const styles = StyleSheet.create({
  fill: { flex: 1 },
  row: { flexDirection: 'row' },
  sidebar: { width: 240, borderRightWidth: 1, padding: 16 },
  brand: { fontSize: 20, fontWeight: '800', marginBottom: 16, paddingHorizontal: 10 },
  group: { fontSize: 12, fontWeight: '700', textTransform: 'uppercase', marginTop: 18, marginBottom: 4, paddingHorizontal: 10 },
  sideLink: { fontSize: 15, paddingHorizontal: 10, paddingVertical: 9, borderRadius: 8 },
  activeText: { fontWeight: '700' },
  small: { fontSize: 12, paddingHorizontal: 10, marginBottom: 4 },
  logout: { marginTop: 8 },
  tabBar: { flexDirection: 'row', borderTopWidth: 1 },
  tabLink: { flex: 1, textAlign: 'center', paddingVertical: 14, fontSize: 14 },
});
