import { useState } from 'react';
import { StyleSheet, View } from 'react-native';
import { apiFieldErrors } from '@/features/auth/form-errors';
import { ApiError, errorMessage } from '@/lib/api-client';
import { Button, Card, Heading, Loading, Muted, Notice, PasswordField, TextField } from '@/ui/primitives';
import { useDisableTotp, useMfaStatus, useStartTotpSetup, useVerifyTotp } from './account-security.queries';
import { Code, CopyButton, ShownOnce } from './shown-once';

/** "JBSW Y3DP EHPK 3PXP": a base32 secret in groups of four, easier to type into an app. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s/g, '').match(/.{1,4}/g)?.join(' ') ?? secret;
}

// The section starts from the server's status (GET /api/auth/mfa); a 409 on
// starting a setup (turned on from another device meanwhile) also leads to "on".
type Step = { kind: 'off'; notice?: string } | { kind: 'setup'; secret: string; otpauthUrl: string } | { kind: 'codes'; codes: string[] } | { kind: 'on'; notice?: string };

/** Account section: two-factor sign-in with an authenticator app (TOTP) — turn on with a code, recovery codes once, turn off. */
export function TwoFactorSection() {
  const status = useMfaStatus();
  const [chosen, setStep] = useState<Step | null>(null);
  const step: Step | null = chosen ?? (status.data ? { kind: status.data.totpEnabled ? 'on' : 'off' } : null);
  return (
    <Card style={styles.section}>
      <Heading level={2}>Two-factor sign-in</Heading>
      {status.isPending && !chosen ? <Loading label="Loading two-factor status" /> : null}
      {status.error && !chosen ? <Notice>{errorMessage(status.error)}</Notice> : null}
      {step === null ? null : step.kind === 'off' ? <TurnOn notice={step.notice} onSetup={(s) => setStep(s)} /> : null}
      {step?.kind === 'setup' ? <Verify secret={step.secret} otpauthUrl={step.otpauthUrl} onCodes={(codes) => setStep({ kind: 'codes', codes })} onCancel={() => setStep({ kind: 'off' })} /> : null}
      {step?.kind === 'codes' ? (
        <View>
          <Notice tone="success">Two-factor sign-in is on. Your other devices were signed out.</Notice>
          <Muted style={styles.lead}>Each recovery code signs you in once if you lose your authenticator app.</Muted>
          <ShownOnce values={step.codes} copyLabel="Copy recovery codes" warning="Save these recovery codes now: they will not be shown again." testID="recovery-codes" />
          <Button label="I have saved them" compact onPress={() => setStep({ kind: 'on' })} style={styles.start} />
        </View>
      ) : null}
      {step?.kind === 'on' ? <TurnOff notice={step.notice} codesLeft={chosen ? undefined : status.data?.recoveryCodesLeft} onOff={() => setStep({ kind: 'off', notice: 'Two-factor sign-in is off. Your other devices were signed out.' })} /> : null}
    </Card>
  );
}

function TurnOn({ notice, onSetup }: { notice: string | undefined; onSetup: (step: Step) => void }) {
  const start = useStartTotpSetup();
  function begin() {
    start.mutate(undefined, {
      onSuccess: (setup) => onSetup({ kind: 'setup', ...setup }),
      onError: (error) => {
        if (error instanceof ApiError && error.status === 409) onSetup({ kind: 'on', notice: 'Two-factor sign-in is already on for this account.' });
      },
    });
  }
  return (
    <View>
      {notice ? <Notice tone="success">{notice}</Notice> : <Notice tone="info">Two-factor sign-in is off.</Notice>}
      <Muted style={styles.lead}>Turn it on and signing in also asks for a code from an authenticator app on your phone, so a stolen password is not enough.</Muted>
      {start.error && !(start.error instanceof ApiError && start.error.status === 409) ? <Notice>{errorMessage(start.error)}</Notice> : null}
      <Button label="Turn on" compact busy={start.isPending} onPress={begin} accessibilityLabel="Turn on two-factor sign-in" style={styles.start} />
    </View>
  );
}

function Verify({ secret, otpauthUrl, onCodes, onCancel }: { secret: string; otpauthUrl: string; onCodes: (codes: string[]) => void; onCancel: () => void }) {
  const verify = useVerifyTotp();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  function submit() {
    const value = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(value)) return setError('Enter the 6-digit code your app shows.');
    setError(null);
    verify.mutate(value, { onSuccess: onCodes, onError: (err) => setError(apiFieldErrors(err).code ?? errorMessage(err)) });
  }
  return (
    <View>
      <Muted style={styles.lead}>In your authenticator app, add an account with this key (or copy the setup link into an app that accepts one), then enter the code it shows.</Muted>
      <Code testID="totp-secret">{groupSecret(secret)}</Code>
      <View style={styles.buttons}>
        <CopyButton text={secret} label="Copy key" accessibilityLabel="Copy the setup key" />
        <CopyButton text={otpauthUrl} label="Copy setup link" accessibilityLabel="Copy the otpauth setup link" />
      </View>
      <TextField
        label="Code from your app"
        value={code}
        onChangeText={setCode}
        inputMode="numeric"
        autoComplete="one-time-code"
        textContentType="oneTimeCode"
        maxLength={7}
        onSubmitEditing={submit}
        error={error}
      />
      <View style={styles.buttons}>
        <Button label="Verify and turn on" compact busy={verify.isPending} onPress={submit} />
        <Button label="Cancel" compact variant="secondary" onPress={onCancel} />
      </View>
    </View>
  );
}

function TurnOff({ notice, codesLeft, onOff }: { notice: string | undefined; codesLeft: number | undefined; onOff: () => void }) {
  const disable = useDisableTotp();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  function submit() {
    if (!password || !code.trim()) return setError('Enter your password and a code from your app (or a recovery code).');
    setError(null);
    disable.mutate({ password, code: code.trim() }, { onSuccess: onOff, onError: (err) => setError(errorMessage(err)) });
  }
  return (
    <View>
      <Notice tone="success">{notice ?? 'Two-factor sign-in is on.'}</Notice>
      {codesLeft !== undefined ? <Muted style={styles.lead}>{codesLeft === 1 ? '1 recovery code left.' : `${codesLeft} recovery codes left.`}</Muted> : null}
      <Muted style={styles.lead}>To turn it off, enter your password and a current code (or an unused recovery code).</Muted>
      {error ? <Notice>{error}</Notice> : null}
      <PasswordField label="Your password" value={password} onChangeText={setPassword} autoComplete="current-password" />
      <TextField label="Code or recovery code" value={code} onChangeText={setCode} autoCapitalize="characters" autoComplete="one-time-code" />
      <Button label="Turn off" variant="destructive" compact busy={disable.isPending} onPress={submit} accessibilityLabel="Turn off two-factor sign-in" style={styles.start} />
    </View>
  );
}

const styles = StyleSheet.create({
  section: { marginTop: 24 },
  lead: { marginBottom: 12 },
  buttons: { flexDirection: 'row', flexWrap: 'wrap', gap: 8, alignItems: 'flex-start' },
  start: { alignSelf: 'flex-start' },
});
