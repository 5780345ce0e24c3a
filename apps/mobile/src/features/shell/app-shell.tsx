import Feather from '@expo/vector-icons/Feather';
import { Link, router, usePathname, type Href } from 'expo-router';
import type { ComponentProps, ReactNode } from 'react';
import { Pressable, StyleSheet, Text, useWindowDimensions, View } from 'react-native';
import { SafeAreaView } from 'react-native-safe-area-context';
import { useLogout, useMe } from '@/features/auth/auth.queries';
import { useMessaging } from '@/features/messages/messaging-provider';
import { Button, focusRing } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';

type IconName = ComponentProps<typeof Feather>['name'];
type NavItem = { href: Href; label: string; icon?: IconName; match(path: string): boolean };

const PRIMARY: NavItem[] = [
  { href: '/', label: 'Chat', icon: 'message-circle', match: (p) => p === '/' },
  { href: '/memories', label: 'Memories', icon: 'book-open', match: (p) => p.startsWith('/memories') },
  { href: '/calendar', label: 'Calendar', icon: 'calendar', match: (p) => p.startsWith('/calendar') },
];
const SETTINGS: NavItem[] = [
  { href: '/settings/connections', label: 'Connections', match: (p) => p.startsWith('/settings/connections') },
  { href: '/settings/devices', label: 'Devices', match: (p) => p.startsWith('/settings/devices') },
  { href: '/settings/account', label: 'Account', match: (p) => p.startsWith('/settings/account') },
];
const SETTINGS_TAB: NavItem = { href: '/settings', label: 'Settings', icon: 'settings', match: (p) => p.startsWith('/settings') };

/** The title of the screen at `path`, and whether it sits below Settings (it gets a back button on phones). */
export function screenTitle(path: string): { title: string; underSettings: boolean } {
  const sub = SETTINGS.find((item) => item.match(path));
  if (sub) return { title: sub.label, underSettings: true };
  const item = [...PRIMARY, SETTINGS_TAB].find((i) => i.match(path));
  return { title: item?.label ?? 'LifeOS', underSettings: false };
}

const LIVE_TEXT = { open: 'Live', connecting: 'Connecting…', waiting: 'Offline, reconnecting…' } as const;

export const WIDE_BREAKPOINT = 900;

/** Sidebar on wide screens, bottom tabs on phones; the screen in between. */
export function AppShell({ children }: { children: ReactNode }) {
  const { width } = useWindowDimensions();
  const { colors } = useTheme();
  const wide = width >= WIDE_BREAKPOINT;
  return (
    <SafeAreaView style={[styles.fill, { backgroundColor: colors.background }]} edges={wide ? ['top', 'bottom', 'left', 'right'] : ['top', 'left', 'right']}>
      <View style={[styles.fill, wide && styles.row]}>
        {wide ? <Sidebar /> : <PhoneHeader />}
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
      {variant === 'tab' && item.icon ? (
        <View style={styles.tabInner}>
          <Feather name={item.icon} size={20} color={active ? colors.link : colors.textMuted} aria-hidden />
          <Text style={[styles.tabText, { color: active ? colors.link : colors.text }, active && styles.activeText]}>{item.label}</Text>
        </View>
      ) : (
        item.label
      )}
    </Link>
  );
}

/** Phones: the screen's title, the connection state, and Back on the settings screens. */
function PhoneHeader() {
  const { colors } = useTheme();
  const path = usePathname();
  const { liveState } = useMessaging();
  const { title, underSettings } = screenTitle(path);
  const dot = liveState === 'open' ? colors.success : liveState === 'connecting' ? colors.textMuted : colors.danger;
  return (
    <View style={[styles.header, { borderBottomColor: colors.border, backgroundColor: colors.surface }]} role="banner">
      {underSettings ? (
        <Pressable
          role="button"
          accessibilityLabel="Back to Settings"
          onPress={() => (router.canGoBack() ? router.back() : router.replace('/settings'))}
          hitSlop={8}
          style={(state) => [styles.back, (state as { focused?: boolean }).focused && focusRing(colors.focus)]}
          testID="header-back"
        >
          <Feather name="chevron-left" size={24} color={colors.link} />
          <Text style={[styles.backText, { color: colors.link }]}>Settings</Text>
        </Pressable>
      ) : null}
      <Text style={[styles.headerTitle, { color: colors.text }]} numberOfLines={1} testID="header-title">
        {title}
      </Text>
      <View style={styles.live} role="status" accessibilityLabel={`Connection: ${LIVE_TEXT[liveState]}`}>
        <View style={[styles.dot, { backgroundColor: dot }]} />
        <Text style={[styles.liveText, { color: colors.textMuted }]} testID="live-state">
          {LIVE_TEXT[liveState]}
        </Text>
      </View>
    </View>
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
        {LIVE_TEXT[liveState]}
      </Text>
      <Button label="Sign out" variant="secondary" compact busy={logout.isPending} onPress={() => logout.mutate()} style={styles.logout} />
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
  tabLink: { flex: 1, textAlign: 'center', paddingVertical: 6, fontSize: 14, alignItems: 'center' },
  tabInner: { alignItems: 'center', gap: 2, paddingVertical: 2 },
  tabText: { fontSize: 12 },
  header: { flexDirection: 'row', alignItems: 'center', gap: 8, borderBottomWidth: 1, paddingHorizontal: 12, minHeight: 48 },
  back: { flexDirection: 'row', alignItems: 'center', marginLeft: -6, paddingRight: 4, minHeight: 44 },
  backText: { fontSize: 16 },
  headerTitle: { flex: 1, fontSize: 17, fontWeight: '700' },
  live: { flexDirection: 'row', alignItems: 'center', gap: 6 },
  dot: { width: 8, height: 8, borderRadius: 4 },
  liveText: { fontSize: 12 },
});
