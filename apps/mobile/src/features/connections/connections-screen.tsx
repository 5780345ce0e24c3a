import { useFocusEffect, useLocalSearchParams } from 'expo-router';
import { useCallback, useState } from 'react';
import { ScrollView, StyleSheet, Switch, Text, View } from 'react-native';
import { errorMessage } from '@/lib/api-client';
import { useConfirm } from '@/ui/dialog';
import { CreateCalDavConnectionBody, CreateImapConnectionBody, type Connection } from '@lifeos/contract';
import { useServerFeatures } from '@/features/discovery/server-features.queries';
import { openExternalUrl } from '@/lib/open-url';
import { apiFieldErrors, bannerError, zodFieldErrors, type FormErrors } from '@/features/auth/form-errors';
import { Button, Card, Heading, Loading, Muted, Notice, PasswordField, TextField } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { useConnectCalDav, useConnectImap, useConnections, useDisconnect, useGoogleConsentUrl } from './connections.queries';
import { McpServersSection } from './mcp-servers-section';

/** Mail accounts @mail may read and send from. */
export function ConnectionsScreen() {
  const { colors } = useTheme();
  const connections = useConnections();
  const google = useGoogleConsentUrl();
  const features = useServerFeatures();
  // Google sends the browser back here with the outcome of the consent.
  const params = useLocalSearchParams<{ provider?: string; status?: string; reason?: string; server?: string }>();
  const googleOutcome = params.provider === 'google' ? params.status : undefined;

  // Back from Google's consent page (native: the in-app browser closed).
  useFocusEffect(
    useCallback(() => {
      void connections.refetch();
      // eslint-disable-next-line react-hooks/exhaustive-deps
    }, []),
  );

  return (
    <ScrollView contentContainerStyle={styles.content} keyboardShouldPersistTaps="handled">
      <Heading>Connections</Heading>
      <Muted style={styles.lead}>Accounts @mail and @cal can use. Passwords and tokens are stored encrypted and never shown again.</Muted>
      {googleOutcome === 'connected' ? <Notice tone="success">Google is connected.</Notice> : null}
      {googleOutcome === 'error' ? <Notice>{googleFailure(params.reason)}</Notice> : null}
      {connections.error ? <Notice>{errorMessage(connections.error)}</Notice> : null}
      {connections.isPending ? <Loading label="Loading connections" /> : null}
      {connections.data?.length === 0 ? <Muted style={styles.lead}>No accounts connected yet.</Muted> : null}
      {connections.data?.map((connection) => <ConnectionRow key={connection.id} connection={connection} />)}

      {/* Only where the server has Google's OAuth client configured (GET /api/config). */}
      {features.google ? (
        <>
      <Heading level={2} style={styles.section}>Google</Heading>
      <Card>
        <Text style={[styles.text, { color: colors.text }]}>Connect Gmail and Google Calendar. You will confirm on Google's page.</Text>
        {google.error ? <Notice>{errorMessage(google.error)}</Notice> : null}
        <Button
          label="Connect Google"
          variant="secondary"
          busy={google.isPending}
          onPress={() => google.mutate(undefined, { onSuccess: (url) => void openExternalUrl(url) })}
          style={styles.button}
        />
      </Card>
        </>
      ) : null}

      <Heading level={2} style={styles.section}>Mail (IMAP / SMTP)</Heading>
      <ImapForm />

      <Heading level={2} style={styles.section}>Calendar (CalDAV)</Heading>
      <CalDavForm />
      <McpServersSection outcome={params.provider === 'mcp' ? { status: params.status, reason: params.reason, server: params.server } : undefined} />
    </ScrollView>
  );
}

function googleFailure(reason: string | undefined): string {
  if (reason === 'access_denied') return 'Google was not connected: access was not granted.';
  if (reason === 'invalid_state') return 'Google was not connected: the request expired. Please try again.';
  if (reason === 'browser_mismatch') return 'Google was not connected: the consent was finished in a different browser from the one it was started in. Start again from this device.';
  return 'Google was not connected. Please try again.';
}

const PROVIDERS: Record<Connection['provider'], string> = { google: 'Google', imap: 'IMAP/SMTP', caldav: 'CalDAV' };

function ConnectionRow({ connection }: { connection: Connection }) {
  const { colors } = useTheme();
  const disconnect = useDisconnect();
  const confirm = useConfirm();
  async function confirmDisconnect() {
    if (await confirm({ title: 'Disconnect this account?', message: `${connection.account}: its stored credentials are erased.`, confirmLabel: 'Disconnect', destructive: true })) {
      disconnect.mutate(connection.id);
    }
  }
  return (
    <Card style={styles.row}>
      <View style={styles.fill}>
        <Text style={[styles.account, { color: colors.text }]}>{connection.account}</Text>
        <Muted>
          {PROVIDERS[connection.provider] ?? connection.provider} ·{' '}
          <Text style={{ color: connection.status === 'ok' ? colors.success : colors.danger }}>
            {connection.status === 'ok' ? 'Working' : 'Needs attention'}
          </Text>
        </Muted>
        {connection.statusDetail ? <Muted>{connection.statusDetail}</Muted> : null}
        {disconnect.error ? <Notice>{errorMessage(disconnect.error)}</Notice> : null}
      </View>
      <Button label="Disconnect" variant="danger" compact busy={disconnect.isPending} onPress={() => void confirmDisconnect()} accessibilityLabel={`Disconnect ${connection.account}`} />
    </Card>
  );
}

type ImapDraft = {
  email: string;
  imapHost: string;
  imapPort: string;
  imapSecure: boolean;
  smtpHost: string;
  smtpPort: string;
  smtpSecure: boolean;
  allowPlaintext: boolean;
  username: string;
  password: string;
};

const EMPTY: ImapDraft = { email: '', imapHost: '', imapPort: '993', imapSecure: true, smtpHost: '', smtpPort: '465', smtpSecure: true, allowPlaintext: false, username: '', password: '' };

function ImapForm() {
  const { colors } = useTheme();
  const connect = useConnectImap();
  const [draft, setDraft] = useState<ImapDraft>(EMPTY);
  const [errors, setErrors] = useState<FormErrors>({});
  const set = <K extends keyof ImapDraft>(key: K) => (value: ImapDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  function submit() {
    const parsed = CreateImapConnectionBody.safeParse({
      ...draft,
      email: draft.email.trim(),
      username: draft.username.trim() || draft.email.trim(),
      imapPort: Number(draft.imapPort),
      smtpPort: Number(draft.smtpPort),
    });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setErrors({});
    connect.mutate(parsed.data, {
      onSuccess: () => setDraft(EMPTY),
      onError: (error) => setErrors(apiFieldErrors(error)),
    });
  }

  return (
    <Card>
      {bannerError(connect.error, errors) ? <Notice>{bannerError(connect.error, errors)}</Notice> : null}
      {connect.isSuccess ? <Notice tone="success">Connected.</Notice> : null}
      <TextField label="Email address" value={draft.email} onChangeText={set('email')} autoCapitalize="none" inputMode="email" autoComplete="email" error={errors.email} />
      <View style={styles.pair}>
        <View style={styles.grow}>
          <TextField label="IMAP server" value={draft.imapHost} onChangeText={set('imapHost')} autoCapitalize="none" placeholder="imap.example.com" error={errors.imapHost} />
        </View>
        <View style={styles.port}>
          <TextField label="Port" value={draft.imapPort} onChangeText={set('imapPort')} inputMode="numeric" error={errors.imapPort} />
        </View>
      </View>
      <SwitchRow label="IMAP uses TLS" value={draft.imapSecure} onChange={set('imapSecure')} color={colors.text} />
      <View style={styles.pair}>
        <View style={styles.grow}>
          <TextField label="SMTP server" value={draft.smtpHost} onChangeText={set('smtpHost')} autoCapitalize="none" placeholder="smtp.example.com" error={errors.smtpHost} />
        </View>
        <View style={styles.port}>
          <TextField label="Port" value={draft.smtpPort} onChangeText={set('smtpPort')} inputMode="numeric" error={errors.smtpPort} />
        </View>
      </View>
      <SwitchRow label="SMTP uses TLS" value={draft.smtpSecure} onChange={set('smtpSecure')} color={colors.text} />
      {!draft.imapSecure || !draft.smtpSecure ? (
        <SwitchRow label="Allow a server without encryption (the password travels unencrypted)" value={draft.allowPlaintext} onChange={set('allowPlaintext')} color={colors.text} />
      ) : null}
      <TextField label="Username" value={draft.username} onChangeText={set('username')} autoCapitalize="none" placeholder="Defaults to the email address" error={errors.username} />
      <PasswordField label="Mail password" value={draft.password} onChangeText={set('password')} autoComplete="off" hint="An app password if your provider uses two-step sign-in." error={errors.password} />
      <Button label="Connect account" onPress={submit} busy={connect.isPending} />
    </Card>
  );
}

const EMPTY_CALDAV = { url: '', username: '', password: '' };

/** Fastmail, iCloud, Nextcloud, Radicale…: the server checks the login before anything is stored. */
function CalDavForm() {
  const connect = useConnectCalDav();
  const [draft, setDraft] = useState(EMPTY_CALDAV);
  const [errors, setErrors] = useState<FormErrors>({});
  const set = (key: keyof typeof EMPTY_CALDAV) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  function submit() {
    const parsed = CreateCalDavConnectionBody.safeParse({ url: draft.url.trim(), username: draft.username.trim(), password: draft.password });
    if (!parsed.success) {
      const found = zodFieldErrors(parsed.error);
      if (found.url) found.url = 'Enter the server address, starting with https://';
      setErrors(found);
      return;
    }
    setErrors({});
    connect.mutate(parsed.data, {
      onSuccess: () => setDraft(EMPTY_CALDAV),
      onError: (error) => setErrors(apiFieldErrors(error)),
    });
  }

  return (
    <Card>
      {bannerError(connect.error, errors) ? <Notice>{bannerError(connect.error, errors)}</Notice> : null}
      {connect.isSuccess ? <Notice tone="success">Calendar connected: {connect.data.calendars.map((c) => c.name).join(', ') || 'no calendars found'}.</Notice> : null}
      <TextField
        label="CalDAV server address"
        value={draft.url}
        onChangeText={set('url')}
        autoCapitalize="none"
        autoCorrect={false}
        inputMode="url"
        placeholder="https://caldav.example.com/dav/"
        error={errors.url}
        testID="caldav-url"
      />
      <TextField label="CalDAV username" value={draft.username} onChangeText={set('username')} autoCapitalize="none" autoCorrect={false} error={errors.username} testID="caldav-username" />
      <PasswordField label="CalDAV password" value={draft.password} onChangeText={set('password')} autoComplete="off" hint="An app password if your provider uses two-step sign-in." error={errors.password} testID="caldav-password" />
      <Button label="Connect calendar" onPress={submit} busy={connect.isPending} testID="caldav-connect" />
    </Card>
  );
}

function SwitchRow({ label, value, onChange, color }: { label: string; value: boolean; onChange(v: boolean): void; color: string }) {
  return (
    <View style={styles.switchRow}>
      <Text style={{ color }}>{label}</Text>
      <Switch value={value} onValueChange={onChange} accessibilityLabel={label} />
    </View>
  );
}

const styles = StyleSheet.create({
  content: { padding: 16, maxWidth: 760, width: '100%', alignSelf: 'center' },
  lead: { marginBottom: 16 },
  section: { marginTop: 12 },
  text: { marginBottom: 10 },
  button: { alignSelf: 'flex-start' },
  row: { flexDirection: 'row', alignItems: 'center', gap: 12 },
  fill: { flex: 1 },
  account: { fontSize: 16, fontWeight: '600' },
  pair: { flexDirection: 'row', gap: 8 },
  grow: { flex: 1 },
  port: { width: 90 },
  switchRow: { flexDirection: 'row', justifyContent: 'space-between', alignItems: 'center', marginBottom: 14 },
});
