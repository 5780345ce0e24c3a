import { useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import type { Passkey } from '@lifeos/contract';
import { useMe } from '@/features/auth/auth.queries';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { passkeyErrorMessage } from '@/lib/passkey-errors';
import { passkeysSupported } from '@/lib/webauthn';
import { useConfirm } from '@/ui/dialog';
import { Button, Card, Heading, Loading, Muted, Notice, TextField } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { useAddPasskey, usePasskeys, useRemovePasskey } from './account-security.queries';
import { listSectionStyles } from '../../ui/list-section';

const label = (passkey: Passkey) => passkey.name ?? 'Unnamed passkey';

/** Account section: passkeys — list (name, created, last used), add one in this browser, remove. */
export function PasskeysSection() {
  const passkeys = usePasskeys();
  const [canAdd] = useState(passkeysSupported);
  return (
    <View style={styles.section}>
      <Heading level={2}>Passkeys</Heading>
      <Muted>Sign in with your device’s screen lock or a security key instead of your password. No email to type, nothing to phish.</Muted>
      {passkeys.error ? <Notice>{errorMessage(passkeys.error)}</Notice> : null}
      {passkeys.isPending ? <Loading label="Loading passkeys" /> : null}
      {passkeys.data?.length === 0 ? <Muted>No passkeys yet.</Muted> : null}
      {passkeys.data?.map((passkey) => <PasskeyRow key={passkey.id} passkey={passkey} />)}
      {canAdd ? <AddPasskeyForm /> : <Muted>To add a passkey, open LifeOS in a web browser on the device that should hold it.</Muted>}
    </View>
  );
}

function PasskeyRow({ passkey }: { passkey: Passkey }) {
  const { colors } = useTheme();
  const zone = useMe().data?.timezone;
  const remove = useRemovePasskey();
  const confirm = useConfirm();
  async function confirmRemove() {
    const ok = await confirm({
      title: 'Remove this passkey?',
      message: `${label(passkey)} will no longer sign you in. Remove it from the device or password manager too.`,
      confirmLabel: 'Remove',
      destructive: true,
    });
    if (ok) remove.mutate(passkey.id);
  }
  return (
    <Card style={styles.row}>
      <View style={styles.fill} testID="passkey-row">
        <Text style={[styles.name, { color: colors.text }]}>{label(passkey)}</Text>
        <Muted>
          Added {formatDateTime(passkey.createdAt, zone)} · {passkey.lastUsedAt ? `last used ${formatDateTime(passkey.lastUsedAt, zone)}` : 'never used'}
        </Muted>
        {remove.error ? <Notice>{errorMessage(remove.error)}</Notice> : null}
      </View>
      <Button label="Remove" variant="danger" compact busy={remove.isPending} onPress={() => void confirmRemove()} accessibilityLabel={`Remove passkey ${label(passkey)}`} />
    </Card>
  );
}

function AddPasskeyForm() {
  const add = useAddPasskey();
  const [name, setName] = useState('');
  function submit() {
    if (add.isPending) return;
    add.mutate(name.trim() || undefined, { onSuccess: () => setName('') });
  }
  return (
    <Card>
      {add.isSuccess ? <Notice tone="success">Passkey added. Next time, choose “Sign in with a passkey”.</Notice> : null}
      {add.error ? <Notice>{passkeyErrorMessage(add.error, 'add')}</Notice> : null}
      <TextField label="Passkey name (optional)" value={name} onChangeText={setName} placeholder="e.g. Work laptop" maxLength={100} onSubmitEditing={submit} />
      <Button label="Add a passkey" busy={add.isPending} onPress={submit} style={styles.submit} />
    </Card>
  );
}

const styles = StyleSheet.create({
  ...listSectionStyles,
  submit: { alignSelf: 'flex-start', marginTop: 4 },
});
