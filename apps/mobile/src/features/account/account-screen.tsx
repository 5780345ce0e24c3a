import { useState } from 'react';
import { ScrollView, StyleSheet, Text, View } from 'react-native';
import { isValidTimeZone, type TimeFormat } from '@lifeos/contract';
import { ApiError, errorMessage } from '@/lib/api-client';
import { useApi } from '@/lib/api-context';
import { formatTime } from '@/lib/format';
import { deviceTimeZone } from '@/lib/platform-info';
import { saveTextFile } from '@/lib/save-file';
import { useLogout, useMe, useUpdateMe } from '@/features/auth/auth.queries';
import { ConnectedClients } from '@/features/oauth/connected-clients';
import { AccountSecurity } from '@/features/account-security/account-security';
import { BriefingSettings } from '@/features/briefing/briefing-settings';
import { apiFieldErrors, bannerError, humanIssue, type FormErrors } from '@/features/auth/form-errors';
import { useServerFeatures } from '@/features/discovery/server-features.queries';
import { useConfirm } from '@/ui/dialog';
import { Button, Card, Choice, Heading, Muted, Notice, PasswordField, TextField } from '@/ui/primitives';
import { useTheme, type ThemePreference } from '@/ui/theme';
import { checkPassword, useChangePassword, useDeleteAccount, useExportAccount } from './account.queries';

/** Profile, appearance, data export and account deletion. */
export function AccountScreen() {
  const { colors } = useTheme();
  const me = useMe();
  const logout = useLogout();
  const user = me.data;
  return (
    <ScrollView contentContainerStyle={styles.content} keyboardShouldPersistTaps="handled">
      <Heading>Account</Heading>
      {user ? (
        <Card>
          <Text style={[styles.email, { color: colors.text }]}>{user.email}</Text>
          <Muted>Time zone: {user.timezone}</Muted>
        </Card>
      ) : null}
      {user ? <Profile username={user.username} /> : null}
      {user ? <TimeSettings timezone={user.timezone} timeFormat={user.settings.timeFormat} /> : null}
      <ChangePassword />
      <AccountSecurity />
      {user ? <MemorySettings enabled={user.settings.memoryExtraction} /> : null}
      {user ? <BriefingSettings briefing={user.settings.briefing} timezone={user.timezone} /> : null}
      <Appearance />
      <ConnectedClients />
      <ExportData />
      {user ? <DeleteAccount email={user.email} /> : null}
      <Button label="Sign out" variant="secondary" busy={logout.isPending} onPress={() => logout.mutate()} style={styles.logout} testID="account-logout" />
    </ScrollView>
  );
}

function Profile({ username }: { username: string | null }) {
  const update = useUpdateMe();
  const [name, setName] = useState(username ?? '');
  const errors = apiFieldErrors(update.error);
  return (
    <Card>
      <Heading level={2}>Profile</Heading>
      {bannerError(update.error, errors) ? <Notice>{bannerError(update.error, errors)}</Notice> : null}
      <TextField label="Name" value={name} onChangeText={setName} autoComplete="name" error={errors.username} />
      <View style={styles.buttons}>
        <Button label="Save name" compact busy={update.isPending} onPress={() => update.mutate({ username: name.trim() || null })} />
      </View>
      {update.isSuccess ? <Notice tone="success">Saved.</Notice> : null}
    </Card>
  );
}

/** Time zone and 24- or 12-hour times: the app and the agents' replies follow them. */
function TimeSettings({ timezone, timeFormat }: { timezone: string; timeFormat: TimeFormat }) {
  const { colors } = useTheme();
  const update = useUpdateMe();
  const [zone, setZone] = useState(timezone);
  const [zoneError, setZoneError] = useState<string | null>(null);
  const device = deviceTimeZone();
  const serverErrors = apiFieldErrors(update.error);
  const saveZone = (next: string) => {
    const value = next.trim();
    if (!isValidTimeZone(value)) {
      setZoneError('Unknown time zone. Use a name such as Europe/Berlin or America/New_York.');
      return;
    }
    setZoneError(null);
    setZone(value);
    update.mutate({ timezone: value });
  };
  const sample = new Date().toISOString();
  const formats: { value: TimeFormat; label: string }[] = [
    { value: '24h', label: `24-hour (${formatTime(sample, timezone, '24h')})` },
    { value: '12h', label: `12-hour (${formatTime(sample, timezone, '12h')})` },
  ];
  return (
    <Card>
      <Heading level={2}>Time</Heading>
      <Muted style={styles.lead}>Dates in the app and in the agents' replies use these.</Muted>
      {bannerError(update.error, serverErrors) ? <Notice>{bannerError(update.error, serverErrors)}</Notice> : null}
      <TextField
        label="Time zone"
        value={zone}
        onChangeText={setZone}
        autoCapitalize="none"
        autoCorrect={false}
        onSubmitEditing={() => saveZone(zone)}
        error={zoneError ?? serverErrors.timezone}
        hint="An IANA name, such as Europe/Berlin."
        testID="account-timezone"
      />
      <View style={styles.buttons}>
        <Button label="Save time zone" compact onPress={() => saveZone(zone)} disabled={zone.trim() === timezone} />
        {device !== timezone ? (
          <Button label={`Use ${device}`} compact variant="secondary" onPress={() => saveZone(device)} accessibilityLabel={`Use this device's time zone, ${device}`} />
        ) : null}
      </View>
      <Text style={[styles.groupLabel, { color: colors.text }]} nativeID="time-format-label">
        Time format
      </Text>
      <View role="radiogroup" aria-labelledby="time-format-label" style={styles.buttons}>
        {formats.map((option) => (
          <Choice
            key={option.value}
            label={option.label}
            selected={timeFormat === option.value}
            onPress={() => update.mutate({ settings: { timeFormat: option.value } })}
            testID={`time-format-${option.value}`}
          />
        ))}
      </View>
    </Card>
  );
}

function ChangePassword() {
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<FormErrors>({});

  function submit() {
    const local: FormErrors = {};
    if (!current) local.currentPassword = humanIssue('currentPassword', { code: 'too_small', message: '', minimum: 1 });
    if (next.length < 8) local.newPassword = next ? 'Use at least 8 characters.' : humanIssue('newPassword', { code: 'too_small', message: '', minimum: 1 });
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
        },
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'invalid_credentials') setErrors({ currentPassword: 'That password is not right.' });
          else setErrors(apiFieldErrors(error));
        },
      },
    );
  }

  return (
    <Card>
      <Heading level={2}>Password</Heading>
      {bannerError(change.error, errors) ? <Notice>{bannerError(change.error, errors)}</Notice> : null}
      {change.isSuccess ? <Notice tone="success">Password changed. Your other devices were signed out.</Notice> : null}
      <PasswordField label="Current password" value={current} onChangeText={setCurrent} autoComplete="current-password" error={errors.currentPassword} testID="password-current" />
      <PasswordField label="New password" value={next} onChangeText={setNext} autoComplete="new-password" error={errors.newPassword} hint="At least 8 characters." testID="password-new" />
      <Button label="Change password" compact busy={change.isPending} onPress={submit} style={styles.start} testID="password-change" />
    </Card>
  );
}

/** Opt-in: with a language model configured, @mem remembers facts from ordinary messages. */
function MemorySettings({ enabled }: { enabled: boolean }) {
  const update = useUpdateMe();
  const { languageModel } = useServerFeatures();
  return (
    <Card>
      <Heading level={2}>Memory</Heading>
      <Muted>
        {!languageModel
          ? 'Remembering facts from ordinary messages needs a language model, and this server has none configured. @mem still remembers what you tell it to.'
          : enabled
            ? 'On: facts and preferences you mention in ordinary messages are remembered. Each memory links to the message it came from.'
            : 'Off: @mem remembers only what you tell it to.'}
      </Muted>
      {update.error ? <Notice>{errorMessage(update.error)}</Notice> : null}
      <View style={styles.buttons}>
        <Button
          label={enabled ? 'Stop remembering from messages' : 'Remember facts from my messages'}
          compact
          variant="secondary"
          busy={update.isPending}
          disabled={!languageModel && !enabled}
          onPress={() => update.mutate({ settings: { memoryExtraction: !enabled } })}
          testID="account-memory-extraction"
        />
      </View>
    </Card>
  );
}

function Appearance() {
  const { preference, setPreference } = useTheme();
  const options: { value: ThemePreference; label: string }[] = [
    { value: 'system', label: 'System' },
    { value: 'light', label: 'Light' },
    { value: 'dark', label: 'Dark' },
  ];
  return (
    <Card>
      <Heading level={2}>Appearance</Heading>
      <View role="radiogroup" accessibilityLabel="Theme" style={styles.buttons}>
        {options.map((option) => (
          <Choice key={option.value} label={option.label} selected={preference === option.value} onPress={() => setPreference(option.value)} />
        ))}
      </View>
    </Card>
  );
}

function ExportData() {
  const exportData = useExportAccount();
  return (
    <Card>
      <Heading level={2}>Your data</Heading>
      <Muted style={styles.lead}>Download everything LifeOS keeps about you as JSON (messages, memories, events; no passwords).</Muted>
      {exportData.error ? <Notice>{errorMessage(exportData.error)}</Notice> : null}
      <Button
        label="Export my data"
        variant="secondary"
        busy={exportData.isPending}
        onPress={() =>
          exportData.mutate(undefined, {
            onSuccess: (data) => void saveTextFile(`lifeos-export-${new Date().toISOString().slice(0, 10)}.json`, JSON.stringify(data, null, 2)),
          })
        }
        style={styles.start}
      />
    </Card>
  );
}

function DeleteAccount({ email }: { email: string }) {
  const api = useApi();
  const confirm = useConfirm();
  const remove = useDeleteAccount();
  const [password, setPassword] = useState('');
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    if (!password) return setError('Enter your password.');
    setError(null);
    setChecking(true);
    let ok: boolean;
    try {
      // The password first: the last question comes only when it is right.
      ok = await checkPassword(api, email, password);
    } catch (err) {
      setChecking(false);
      return setError(errorMessage(err));
    }
    setChecking(false);
    if (!ok) return setError('That password is not right.');
    const confirmed = await confirm({
      title: 'Delete your account?',
      message: 'Your messages, memories, events and connections are deleted for good. This cannot be undone.',
      confirmLabel: 'Delete my account',
      destructive: true,
    });
    if (confirmed) remove.mutate(password, { onError: (err) => setError(err instanceof ApiError && err.code === 'invalid_credentials' ? 'That password is not right.' : errorMessage(err)) });
  }

  return (
    <Card>
      <Heading level={2}>Delete account</Heading>
      <Muted style={styles.lead}>This cannot be undone. Enter your password to continue.</Muted>
      <PasswordField label="Password" value={password} onChangeText={setPassword} autoComplete="current-password" error={error} testID="delete-password" />
      <Button label="Delete my account" variant="destructive" busy={checking || remove.isPending} onPress={() => void submit()} style={styles.start} testID="delete-account" />
    </Card>
  );
}

const styles = StyleSheet.create({
  content: { padding: 16, maxWidth: 760, width: '100%', alignSelf: 'center' },
  email: { fontSize: 16, fontWeight: '600', marginBottom: 4 },
  buttons: { flexDirection: 'row', flexWrap: 'wrap', gap: 8 },
  lead: { marginBottom: 12 },
  groupLabel: { fontSize: 14, fontWeight: '600', marginTop: 14, marginBottom: 6 },
  start: { alignSelf: 'flex-start' },
  logout: { alignSelf: 'flex-start', marginTop: 8 },
});
