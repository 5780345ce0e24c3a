import { ScrollView, StyleSheet, Text, View } from 'react-native';
import { errorMessage } from '@/lib/api-client';
import type { Session } from '@lifeos/contract';
import { formatDateTime } from '@/lib/format';
import { useClock, useLogout } from '@/features/auth/auth.queries';
import { useConfirm } from '@/ui/dialog';
import { Button, Card, Heading, Loading, Muted, Notice } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { NotificationsCard } from '@/features/notifications/notifications-card';
import { useRevokeOtherSessions, useRevokeSession, useSessions } from './sessions.queries';

/** Where this account is signed in. */
export function DevicesScreen() {
  const sessions = useSessions();
  const revokeOthers = useRevokeOtherSessions();
  const others = (sessions.data ?? []).filter((s) => !s.current);
  const confirm = useConfirm();

  async function signOutOthers() {
    const count = others.length === 1 ? 'The other device' : `${others.length} other devices`;
    if (await confirm({ title: 'Sign out all other devices?', message: `${count} will need to sign in again.`, confirmLabel: 'Sign out', destructive: true })) {
      revokeOthers.mutate(others.map((s) => s.id));
    }
  }

  return (
    <ScrollView contentContainerStyle={styles.content}>
      <Heading>Devices</Heading>
      <Muted style={styles.lead}>Every browser and phone signed in to your account.</Muted>
      {sessions.error ? <Notice>{errorMessage(sessions.error)}</Notice> : null}
      {revokeOthers.error ? <Notice>{errorMessage(revokeOthers.error)}</Notice> : null}
      {sessions.isPending ? <Loading label="Loading devices" /> : null}
      {sessions.data?.map((session) => <SessionRow key={session.id} session={session} />)}
      {others.length > 0 ? (
        <Button label="Sign out all other devices" variant="danger" busy={revokeOthers.isPending} onPress={() => void signOutOthers()} style={styles.all} />
      ) : null}
      {sessions.data ? <NotificationsCard sessions={sessions.data} /> : null}
    </ScrollView>
  );
}

function SessionRow({ session }: { session: Session }) {
  const { colors } = useTheme();
  const clock = useClock();
  const revoke = useRevokeSession();
  const logout = useLogout();
  const lastActive = formatDateTime(session.lastUsedAt, clock.timeZone, clock.timeFormat);
  return (
    <Card style={styles.row}>
      <View style={styles.fill}>
        <View style={styles.nameRow}>
          <Text style={[styles.name, { color: colors.text }]}>{session.deviceName ?? 'Unknown device'}</Text>
          {session.current ? (
            <Text style={[styles.current, { color: colors.success, borderColor: colors.success }]}>This device</Text>
          ) : null}
        </View>
        <Muted style={styles.small}>Signed in {formatDateTime(session.createdAt, clock.timeZone, clock.timeFormat)}</Muted>
        <Muted style={styles.small}>Last active {lastActive}</Muted>
        {revoke.error ? <Notice>{errorMessage(revoke.error)}</Notice> : null}
      </View>
      {session.current ? (
        <Button label="Sign out" variant="secondary" compact busy={logout.isPending} onPress={() => logout.mutate()} accessibilityLabel="Sign out this device" />
      ) : (
        <Button
          label="Sign out"
          variant="danger"
          compact
          busy={revoke.isPending}
          onPress={() => revoke.mutate(session.id)}
          // Several sessions can share a device name: the last use tells them apart.
          accessibilityLabel={`Sign out ${session.deviceName ?? 'unknown device'}, last active ${lastActive}`}
        />
      )}
    </Card>
  );
}

const styles = StyleSheet.create({
  content: { padding: 16, maxWidth: 760, width: '100%', alignSelf: 'center' },
  lead: { marginBottom: 16 },
  row: { flexDirection: 'row', alignItems: 'center', gap: 12 },
  fill: { flex: 1 },
  nameRow: { flexDirection: 'row', alignItems: 'center', gap: 8, flexWrap: 'wrap' },
  name: { fontSize: 16, fontWeight: '600' },
  current: { fontSize: 12, fontWeight: '700', borderWidth: 1, borderRadius: 999, paddingHorizontal: 8, paddingVertical: 1 },
  small: { fontSize: 13, marginTop: 2 },
  all: { marginTop: 8, alignSelf: 'flex-start' },
});
