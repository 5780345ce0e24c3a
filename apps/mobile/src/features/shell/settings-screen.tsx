import { Link } from 'expo-router';
import { Pressable, ScrollView, StyleSheet, Text } from 'react-native';
import { useLogout, useMe } from '@/features/auth/auth.queries';
import { Button, Card, Heading, Muted } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';

const LINKS = [
  { href: '/settings/connections', label: 'Connections', hint: 'Mail and calendar accounts' },
  { href: '/settings/devices', label: 'Devices', hint: 'Where you are signed in' },
  { href: '/settings/account', label: 'Account', hint: 'Profile, appearance, export, delete' },
] as const;

/** The settings index (phones reach the settings screens from here). */
export function SettingsScreen() {
  const { colors } = useTheme();
  const me = useMe();
  const logout = useLogout();
  return (
    <ScrollView contentContainerStyle={styles.content}>
      <Heading>Settings</Heading>
      {me.data ? <Muted style={styles.lead}>Signed in as {me.data.email}</Muted> : null}
      {LINKS.map((link) => (
        <Link key={link.href} href={link.href} asChild>
          <Pressable role="link" style={styles.link}>
            <Card style={styles.card}>
              <Text style={[styles.label, { color: colors.text }]}>{link.label}</Text>
              <Muted>{link.hint}</Muted>
            </Card>
          </Pressable>
        </Link>
      ))}
      <Button label="Sign out" variant="secondary" busy={logout.isPending} onPress={() => logout.mutate()} style={styles.logout} testID="settings-logout" />
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  content: { padding: 16, maxWidth: 760, width: '100%', alignSelf: 'center' },
  lead: { marginBottom: 16 },
  link: { marginBottom: 12 },
  card: { marginBottom: 0, width: '100%' },
  label: { fontSize: 16, fontWeight: '600', marginBottom: 2 },
  logout: { alignSelf: 'flex-start', marginTop: 8 },
});
