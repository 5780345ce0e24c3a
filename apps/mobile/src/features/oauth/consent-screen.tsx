import { useLocalSearchParams } from 'expo-router';
import { useState } from 'react';
import { ScrollView, StyleSheet, Text, View } from 'react-native';
import { useMe } from '@/features/auth/auth.queries';
import { errorMessage } from '@/lib/api-client';
import { openExternalUrl } from '@/lib/open-url';
import { Button, Card, Heading, Loading, Muted, Notice } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { useConsentRequest, useDecide } from './oauth.queries';

/** What each scope lets an application do, in the words a person reads. */
export const SCOPE_TEXT: Record<string, string> = {
  chat: 'Write in your LifeOS chat',
  'cal.read': 'See your calendar',
  'cal.write': 'Add, change and delete calendar events (external calendars only after you confirm here)',
  'mem.read': 'Read your memories',
  'mem.write': 'Remember, change and forget things',
  'mail.read': 'Read your mail',
  'mail.send': 'Draft mail, archive and mark messages (sending only after you confirm here)',
};

/** "Claude wants to use your LifeOS": shown when an MCP client asks for access. */
export function ConsentScreen() {
  const { request: id } = useLocalSearchParams<{ request?: string }>();
  const request = useConsentRequest(typeof id === 'string' ? id : undefined);
  const decide = useDecide(typeof id === 'string' ? id : '');
  const me = useMe();
  const { colors } = useTheme();
  const [leaving, setLeaving] = useState(false);

  async function answer(approve: boolean) {
    const redirectTo = await decide.mutateAsync(approve);
    setLeaving(true);
    await openExternalUrl(redirectTo);
  }

  if (!id) return <Notice>This page needs a link from an application that asks for access.</Notice>;
  if (request.isPending) return <Loading label="Loading the request" />;
  if (request.error || !request.data) {
    return (
      <ScrollView contentContainerStyle={styles.content}>
        <Heading>Link expired</Heading>
        <Muted>This request was answered already or is more than ten minutes old. Start connecting again from the application.</Muted>
      </ScrollView>
    );
  }
  const { client, scopes } = request.data;
  return (
    <ScrollView contentContainerStyle={styles.content}>
      <Heading>Allow {client.name} to use your LifeOS?</Heading>
      {client.host ? (
        <Text style={[styles.label, { color: colors.text }]} accessibilityRole="text">
          Published by {client.host}. The name above is what {client.host} says; allow it only if you know that site.
        </Text>
      ) : null}
      <Muted style={styles.lead}>
        Signed in as {me.data?.email ?? 'you'}. {client.name} will return to {client.redirectHost}. You can disconnect it any time under Account.
      </Muted>
      <Card>
        <Text style={[styles.label, { color: colors.text }]}>It will be able to:</Text>
        {scopes.map((scope) => (
          <View key={scope} style={styles.scope} accessibilityRole="text">
            <Text style={{ color: colors.text }}>• {SCOPE_TEXT[scope] ?? scope}</Text>
          </View>
        ))}
      </Card>
      {decide.error ? <Notice>{errorMessage(decide.error)}</Notice> : null}
      {leaving ? <Notice tone="info">Returning to {client.name}…</Notice> : null}
      <View style={styles.buttons}>
        <Button label={`Allow ${client.name}`} busy={decide.isPending && decide.variables === true} disabled={leaving} onPress={() => void answer(true)} />
        <Button label="Deny" variant="secondary" busy={decide.isPending && decide.variables === false} disabled={leaving} onPress={() => void answer(false)} />
      </View>
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  content: { padding: 16, maxWidth: 640, width: '100%', alignSelf: 'center', gap: 12 },
  lead: { marginBottom: 4 },
  label: { fontWeight: '600', marginBottom: 8 },
  scope: { paddingVertical: 4 },
  buttons: { flexDirection: 'row', gap: 12, flexWrap: 'wrap' },
});
