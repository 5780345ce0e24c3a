// The Devices screen's notifications section: which devices get notifications
// (a switch each), turning them on for this device (the browser or the phone
// asks for permission only after this tap), and a test notification.
import { useEffect, useState } from 'react';
import { Platform, StyleSheet, Switch, Text, View } from 'react-native';
import type { Session } from '@lifeos/contract';
import { errorMessage } from '@/lib/api-client';
import { Button, Card, Heading, Muted, Notice } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { PushDeviceError } from './notification-data';
import { canReceive, currentEndpoint, pushSupported, registerServiceWorker } from './push-device';
import { useDisablePush, useEnablePush, usePushConfig, usePushSubscriptions, useTestPush } from './push.queries';

export function NotificationsCard({ sessions }: { sessions: Session[] }) {
  const { colors } = useTheme();
  const config = usePushConfig();
  const subscriptions = usePushSubscriptions();
  const enable = useEnablePush();
  const disable = useDisablePush();
  const test = useTestPush();
  const [, setEndpoint] = useState<string | null>(null);

  useEffect(() => {
    // Keeps the worker current so a click on an older notification still opens the app.
    if (pushSupported()) void registerServiceWorker().then(() => currentEndpoint().then(setEndpoint), () => undefined);
  }, []);

  const subs = subscriptions.data ?? [];
  const mine = subs.find((s) => s.current);
  const canHere = canReceive(config.data);
  const nameOf = (sessionId: string) => sessions.find((s) => s.id === sessionId)?.deviceName ?? 'Unknown device';
  const error = enable.error ?? disable.error ?? test.error ?? subscriptions.error;

  return (
    <Card style={styles.card}>
      <Heading level={2}>Notifications</Heading>
      <Muted style={styles.lead}>Reminders and your daily briefing arrive on the devices switched on here.</Muted>
      {error ? <Notice>{error instanceof PushDeviceError ? error.message : errorMessage(error)}</Notice> : null}
      <View style={styles.row}>
        <Text style={[styles.name, { color: colors.text }]}>On this {Platform.OS === 'web' ? 'browser' : 'device'}</Text>
        <Switch
          accessibilityLabel="Notifications on this device"
          value={Boolean(mine)}
          disabled={!canHere || enable.isPending || disable.isPending || !config.data}
          onValueChange={(on) => {
            if (on && config.data) enable.mutate(config.data);
            else if (mine) disable.mutate({ id: mine.id, current: true });
          }}
        />
      </View>
      {!canHere ? <Muted style={styles.small}>This device cannot receive notifications from this server.</Muted> : null}
      {subs
        .filter((s) => !s.current)
        .map((s) => (
          <View key={s.id} style={styles.row}>
            <Text style={[styles.name, { color: colors.text }]}>{nameOf(s.sessionId)}</Text>
            <Switch
              accessibilityLabel={`Notifications on ${nameOf(s.sessionId)}`}
              value
              disabled={disable.isPending}
              onValueChange={(on) => {
                if (!on) disable.mutate({ id: s.id, current: false });
              }}
            />
          </View>
        ))}
      <Button
        label="Send a test notification"
        variant="secondary"
        compact
        disabled={subs.length === 0}
        busy={test.isPending}
        onPress={() => test.mutate()}
        style={styles.test}
      />
      {test.data ? <Notice tone="success">Sent to {test.data.subscriptions} device(s).</Notice> : null}
    </Card>
  );
}

const styles = StyleSheet.create({
  card: { marginTop: 16, gap: 8 },
  lead: { marginBottom: 4 },
  row: { flexDirection: 'row', alignItems: 'center', justifyContent: 'space-between', minHeight: 44 },
  name: { fontSize: 16 },
  small: { fontSize: 13 },
  test: { alignSelf: 'flex-start', marginTop: 4 },
});
