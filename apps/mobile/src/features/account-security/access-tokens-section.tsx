import { useState } from 'react';
import { Pressable, StyleSheet, Text, View } from 'react-native';
import { SCOPES, type AccessToken, type Scope } from '@lifeos/contract';
import { useMe } from '@/features/auth/auth.queries';
import { apiFieldErrors, type FormErrors } from '@/features/auth/form-errors';
import { SCOPE_TEXT } from '@/features/oauth/consent-screen';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { useConfirm } from '@/ui/dialog';
import { Button, Card, Choice, Heading, Loading, Muted, Notice, TextField } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { useAccessTokens, useCreateAccessToken, useRevokeAccessToken } from './account-security.queries';
import { ShownOnce } from './shown-once';
import { listSectionStyles } from '../../ui/list-section';

const EXPIRY: { days: number | null; label: string }[] = [
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
  { days: null, label: 'Never' },
];

/** Account section: personal access tokens for scripts and MCP clients — list, create (the secret shown once), revoke. */
export function AccessTokensSection() {
  const tokens = useAccessTokens();
  return (
    <View style={styles.section}>
      <Heading level={2}>Access tokens</Heading>
      <Muted>For scripts and MCP clients that cannot sign in themselves. A token may do only what you tick; revoke it when it is no longer needed.</Muted>
      {tokens.error ? <Notice>{errorMessage(tokens.error)}</Notice> : null}
      {tokens.isPending ? <Loading label="Loading access tokens" /> : null}
      {tokens.data?.length === 0 ? <Muted>No tokens yet.</Muted> : null}
      {tokens.data?.map((token) => <TokenRow key={token.id} token={token} />)}
      <CreateTokenForm />
    </View>
  );
}

function TokenRow({ token }: { token: AccessToken }) {
  const { colors } = useTheme();
  const me = useMe();
  const zone = me.data?.timezone;
  const revoke = useRevokeAccessToken();
  const confirm = useConfirm();
  const expired = token.expiresAt !== null && new Date(token.expiresAt).getTime() <= Date.now();
  async function confirmRevoke() {
    const ok = await confirm({
      title: 'Revoke this token?',
      message: `${token.name} stops working at once; scripts and clients using it will be refused.`,
      confirmLabel: 'Revoke',
      destructive: true,
    });
    if (ok) revoke.mutate(token.id);
  }
  return (
    <Card style={styles.row}>
      <View style={styles.fill}>
        <Text style={[styles.name, { color: colors.text }]}>{token.name}</Text>
        <Muted>{token.scopes.map((s) => SCOPE_TEXT[s] ?? s).join(' · ')}</Muted>
        <Muted>
          Created {formatDateTime(token.createdAt, zone)} · {token.lastUsedAt ? `last used ${formatDateTime(token.lastUsedAt, zone)}` : 'never used'}
        </Muted>
        <Muted>
          {token.expiresAt === null ? 'Never expires' : `${expired ? 'Expired' : 'Expires'} ${formatDateTime(token.expiresAt, zone)}`}
        </Muted>
        {revoke.error ? <Notice>{errorMessage(revoke.error)}</Notice> : null}
      </View>
      <Button label="Revoke" variant="danger" compact busy={revoke.isPending} onPress={() => void confirmRevoke()} accessibilityLabel={`Revoke token ${token.name}`} />
    </Card>
  );
}

function CreateTokenForm() {
  const { colors } = useTheme();
  const create = useCreateAccessToken();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>([]);
  const [days, setDays] = useState<number | null>(90);
  const [errors, setErrors] = useState<FormErrors>({});
  const toggle = (scope: Scope) => setScopes((s) => (s.includes(scope) ? s.filter((x) => x !== scope) : SCOPES.filter((x) => x === scope || s.includes(x))));

  function submit() {
    const local: FormErrors = {};
    if (!name.trim()) local.name = 'Give the token a name, such as the script that will use it.';
    if (scopes.length === 0) local.scopes = 'Tick at least one thing the token may do.';
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    create.mutate(
      { name: name.trim(), scopes, ...(days === null ? {} : { expiresInDays: days }) },
      {
        onSuccess: () => {
          setName('');
          setScopes([]);
        },
        onError: (error) => setErrors(apiFieldErrors(error)),
      },
    );
  }

  const created = create.data;
  return (
    <Card>
      {created ? (
        <View>
          <Text style={[styles.name, { color: colors.text }]}>New token: {created.accessToken.name}</Text>
          <ShownOnce
            values={[created.token]}
            copyLabel="Copy token"
            warning="Copy this token now and keep it somewhere safe: it will not be shown again."
            testID="created-token"
          />
          <Button label="Done" compact variant="secondary" onPress={() => create.reset()} style={styles.start} />
        </View>
      ) : null}
      {create.error && Object.keys(errors).length === 0 ? <Notice>{errorMessage(create.error)}</Notice> : null}
      <TextField label="Token name" value={name} onChangeText={setName} placeholder="e.g. Backup script" autoCapitalize="none" error={errors.name} />
      <Text style={[styles.groupLabel, { color: colors.text }]} nativeID="token-scopes-label">
        What it may do
      </Text>
      <View role="group" aria-labelledby="token-scopes-label">
        {SCOPES.map((scope) => {
          const checked = scopes.includes(scope);
          return (
            <Pressable
              key={scope}
              role="checkbox"
              aria-checked={checked}
              accessibilityState={{ checked }}
              accessibilityLabel={SCOPE_TEXT[scope] ?? scope}
              onPress={() => toggle(scope)}
              style={styles.check}
            >
              <View style={[styles.box, { borderColor: checked ? colors.primary : colors.border, backgroundColor: checked ? colors.primary : colors.surface }]}>
                {checked ? <Text style={{ color: colors.onPrimary, fontWeight: '700' }}>✓</Text> : null}
              </View>
              <Text style={[styles.fill, { color: colors.text }]}>{SCOPE_TEXT[scope] ?? scope}</Text>
            </Pressable>
          );
        })}
      </View>
      {errors.scopes ? (
        <Text style={{ color: colors.danger }} role="alert">
          {errors.scopes}
        </Text>
      ) : null}
      <Text style={[styles.groupLabel, { color: colors.text }]} nativeID="token-expiry-label">
        Expires after
      </Text>
      <View role="radiogroup" aria-labelledby="token-expiry-label" style={styles.buttons}>
        {EXPIRY.map((option) => (
          <Choice
            key={option.label}
            label={option.label}
            selected={days === option.days}
            accessibilityLabel={option.days === null ? 'Never expires' : `Expires after ${option.label}`}
            onPress={() => setDays(option.days)}
          />
        ))}
      </View>
      <Button label="Create token" busy={create.isPending} onPress={submit} style={styles.submit} />
    </Card>
  );
}

const styles = StyleSheet.create({
  ...listSectionStyles,
  groupLabel: { fontSize: 14, fontWeight: '600', marginTop: 14, marginBottom: 6 },
  check: { flexDirection: 'row', alignItems: 'center', gap: 10, minHeight: 44 },
  box: { width: 22, height: 22, borderWidth: 2, borderRadius: 4, alignItems: 'center', justifyContent: 'center' },
  buttons: { flexDirection: 'row', flexWrap: 'wrap', gap: 8 },
  start: { alignSelf: 'flex-start' },
  submit: { alignSelf: 'flex-start', marginTop: 12 },
});
