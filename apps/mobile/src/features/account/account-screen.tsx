import { useState } from 'react';
import { Pressable, ScrollView, StyleSheet, Text, View } from 'react-native';
import { ApiError, errorMessage } from '@/lib/api-client';
import { confirmAsync } from '@/lib/confirm';
import { deviceTimeZone } from '@/lib/platform-info';
import { saveTextFile } from '@/lib/save-file';
import { useLogout, useMe, useUpdateMe } from '@/features/auth/auth.queries';
import { ConnectedClients } from '@/features/oauth/connected-clients';
import { Button, Card, Heading, Muted, Notice, TextField } from '@/ui/primitives';
import { useTheme, type ThemePreference } from '@/ui/theme';
import { BriefingSettings } from '@/features/briefing/briefing-settings';
import { useDeleteAccount, useExportAccount } from './account.queries';

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
      {user ? <Profile username={user.username} timezone={user.timezone} /> : null}
      {user ? <MemorySettings enabled={user.settings.memoryExtraction} /> : null}
      {user ? <BriefingSettings briefing={user.settings.briefing} timezone={user.timezone} /> : null}
      <Appearance />
      <ConnectedClients />
      <ExportData />
      <DeleteAccount />
      <Button label="Log out" variant="secondary" busy={logout.isPending} onPress={() => logout.mutate()} style={styles.logout} testID="account-logout" />
    </ScrollView>
  );
}

function Profile({ username, timezone }: { username: string | null; timezone: string }) {
  const update = useUpdateMe();
  const [name, setName] = useState(username ?? '');
  const device = deviceTimeZone();
  return (
    <Card>
      <Heading level={2}>Profile</Heading>
      {update.error ? <Notice>{errorMessage(update.error)}</Notice> : null}
      <TextField label="Name" value={name} onChangeText={setName} autoComplete="name" />
      <View style={styles.buttons}>
        <Button label="Save name" compact busy={update.isPending && update.variables?.username !== undefined} onPress={() => update.mutate({ username: name.trim() || null })} />
        {device !== timezone ? (
          <Button label={`Use ${device}`} compact variant="secondary" onPress={() => update.mutate({ timezone: device })} accessibilityLabel={`Use this device's time zone, ${device}`} />
        ) : null}
      </View>
    </Card>
  );
}

/** Opt-in: with a language model configured, @mem remembers facts from ordinary messages. */
function MemorySettings({ enabled }: { enabled: boolean }) {
  const update = useUpdateMe();
  return (
    <Card>
      <Heading level={2}>Memory</Heading>
      <Muted>
        {enabled
          ? 'On: facts and preferences you mention in ordinary messages are remembered (needs a language model on the server). Each memory links to the message it came from.'
          : 'Off: @mem remembers only what you tell it to.'}
      </Muted>
      {update.error ? <Notice>{errorMessage(update.error)}</Notice> : null}
      <View style={styles.buttons}>
        <Button
          label={enabled ? 'Stop remembering from messages' : 'Remember facts from my messages'}
          compact
          variant="secondary"
          busy={update.isPending}
          onPress={() => update.mutate({ settings: { memoryExtraction: !enabled } })}
          testID="account-memory-extraction"
        />
      </View>
    </Card>
  );
}

function Appearance() {
  const { colors, preference, setPreference } = useTheme();
  const options: { value: ThemePreference; label: string }[] = [
    { value: 'system', label: 'System' },
    { value: 'light', label: 'Light' },
    { value: 'dark', label: 'Dark' },
  ];
  return (
    <Card>
      <Heading level={2}>Appearance</Heading>
      <View role="radiogroup" accessibilityLabel="Theme" style={styles.buttons}>
        {options.map((option) => {
          const selected = preference === option.value;
          return (
            <Pressable
              key={option.value}
              role="radio"
              aria-checked={selected}
              accessibilityState={{ checked: selected }}
              onPress={() => setPreference(option.value)}
              style={[styles.choice, { borderColor: selected ? colors.primary : colors.border, backgroundColor: selected ? colors.surfaceAlt : colors.surface }]}
            >
              <Text style={{ color: colors.text, fontWeight: selected ? '700' : '400' }}>{option.label}</Text>
            </Pressable>
          );
        })}
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

function DeleteAccount() {
  const remove = useDeleteAccount();
  const [password, setPassword] = useState('');
  const wrongPassword = remove.error instanceof ApiError && remove.error.code === 'invalid_credentials';

  async function submit() {
    if (!password) return;
    if (await confirmAsync('Delete your account?', 'Your messages, memories, events and connections are deleted for good.', 'Delete')) {
      remove.mutate(password);
    }
  }

  return (
    <Card>
      <Heading level={2}>Delete account</Heading>
      <Muted style={styles.lead}>This cannot be undone. Enter your password to confirm.</Muted>
      {remove.error && !wrongPassword ? <Notice>{errorMessage(remove.error)}</Notice> : null}
      <TextField
        label="Password"
        value={password}
        onChangeText={setPassword}
        secureTextEntry
        autoComplete="current-password"
        error={wrongPassword ? 'That password is not right.' : null}
        testID="delete-password"
      />
      <Button label="Delete my account" variant="danger" disabled={!password} busy={remove.isPending} onPress={() => void submit()} style={styles.start} />
    </Card>
  );
}

const styles = StyleSheet.create({
  content: { padding: 16, maxWidth: 760, width: '100%', alignSelf: 'center' },
  email: { fontSize: 16, fontWeight: '600', marginBottom: 4 },
  buttons: { flexDirection: 'row', flexWrap: 'wrap', gap: 8 },
  choice: { borderWidth: 1, borderRadius: 10, paddingHorizontal: 16, paddingVertical: 10, minHeight: 44, justifyContent: 'center' },
  lead: { marginBottom: 12 },
  start: { alignSelf: 'flex-start' },
  logout: { alignSelf: 'flex-start', marginTop: 8 },
});
