// The daily briefing on the Account screen: on or off, and at what time (the user's time zone).
import { useState } from 'react';
import { StyleSheet, Switch, Text, View } from 'react-native';
import type { BriefingSettings as Briefing } from '@lifeos/contract';
import { errorMessage } from '@/lib/api-client';
import { useUpdateMe } from '@/features/auth/auth.queries';
import { Button, Card, Heading, Muted, Notice, TextField } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export function BriefingSettings({ briefing, timezone }: { briefing: Briefing; timezone: string }) {
  const { colors } = useTheme();
  const update = useUpdateMe();
  const [time, setTime] = useState(briefing.time);
  const valid = TIME.test(time);
  return (
    <Card>
      <Heading level={2}>Daily briefing</Heading>
      <Muted>
        Each morning a message with the day&apos;s events, reminders and unread mail from people ({timezone}). Nothing to say: no message.
      </Muted>
      {update.error ? <Notice>{errorMessage(update.error)}</Notice> : null}
      <View style={styles.row}>
        <Text style={{ color: colors.text }}>Send me a daily briefing</Text>
        <Switch
          accessibilityLabel="Daily briefing"
          value={briefing.enabled}
          disabled={update.isPending}
          onValueChange={(enabled) => update.mutate({ settings: { briefing: { enabled, time: valid ? time : briefing.time } } })}
        />
      </View>
      <TextField label="Time (HH:MM)" value={time} onChangeText={setTime} error={valid ? undefined : 'Use a time such as 07:30'} />
      <Button
        label="Save time"
        compact
        variant="secondary"
        disabled={!valid || time === briefing.time}
        busy={update.isPending}
        onPress={() => update.mutate({ settings: { briefing: { enabled: briefing.enabled, time } } })}
        style={styles.save}
      />
    </Card>
  );
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', alignItems: 'center', justifyContent: 'space-between', minHeight: 44 },
  save: { alignSelf: 'flex-start' },
});
