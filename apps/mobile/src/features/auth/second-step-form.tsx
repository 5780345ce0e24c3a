import { useState } from 'react';
import { StyleSheet, View } from 'react-native';
import { ApiError, errorMessage } from '@/lib/api-client';
import { Button, Muted, TextField } from '@/ui/primitives';
import { useLoginSecondStep } from './auth.queries';
import { apiFieldErrors } from './form-errors';

/** "in 45 seconds", "in 3 minutes": how long until another try is allowed. */
export function waitPhrase(seconds: number | null): string {
  if (!seconds) return 'in a few minutes';
  if (seconds < 90) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minutes`;
}

/** What the person reads when the second step fails; `expired` sends them back to the password. */
export function secondStepError(error: unknown, recovery: boolean): { expired: true } | { expired: false; message: string } {
  if (error instanceof ApiError) {
    if (error.code === 'invalid_credentials') {
      return {
        expired: false,
        message: recovery
          ? 'That recovery code is not right, or it was used already.'
          : 'That code is not right, or it was used already. Wait for the next code in your app and try again.',
      };
    }
    if (error.code === 'rate_limited') return { expired: false, message: `Too many attempts. You can try again ${waitPhrase(error.retryAfterSeconds)}.` };
    // The mfaToken lasted 5 minutes, or was used already: start again with the password.
    if (error.status === 401) return { expired: true };
    const field = apiFieldErrors(error).code;
    if (field) return { expired: false, message: field };
  }
  return { expired: false, message: errorMessage(error) };
}

/** Sign-in's second step: a 6-digit code from the authenticator app, or a recovery code. */
export function SecondStepForm({ mfaToken, onExpired, onBack }: { mfaToken: string; onExpired: () => void; onBack: () => void }) {
  const step = useLoginSecondStep();
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);

  function submit() {
    if (step.isPending) return;
    const value = recovery ? code.trim() : code.replace(/\s/g, '');
    if (recovery ? value.length === 0 : !/^\d{6}$/.test(value)) {
      setError(recovery ? 'Enter one of your recovery codes.' : 'Enter the 6-digit code your app shows.');
      return;
    }
    setError(null);
    step.mutate(
      { mfaToken, code: value },
      {
        onError: (err) => {
          const outcome = secondStepError(err, recovery);
          if (outcome.expired) onExpired();
          else setError(outcome.message);
        },
      },
    );
  }

  function toggle() {
    setRecovery((r) => !r);
    setCode('');
    setError(null);
  }

  return (
    <View>
      <Muted style={styles.lead}>
        {recovery
          ? 'Enter one of the recovery codes you saved when you turned on two-factor sign-in. Each code works once.'
          : 'Two-factor sign-in is on. Enter the 6-digit code from your authenticator app.'}
      </Muted>
      <TextField
        key={recovery ? 'recovery' : 'totp'}
        label={recovery ? 'Recovery code' : 'Code from your app'}
        value={code}
        onChangeText={setCode}
        autoFocus
        autoCapitalize={recovery ? 'characters' : 'none'}
        autoCorrect={false}
        inputMode={recovery ? 'text' : 'numeric'}
        autoComplete="one-time-code"
        textContentType="oneTimeCode"
        maxLength={recovery ? 64 : 7}
        returnKeyType="go"
        onSubmitEditing={submit}
        error={error}
        testID="auth-mfa-code"
      />
      <Button label="Verify and sign in" onPress={submit} busy={step.isPending} testID="auth-mfa-submit" />
      <View style={styles.links}>
        <Button label={recovery ? 'Use a code from your app' : 'Use a recovery code'} variant="ghost" compact onPress={toggle} />
        <Button label="Back" variant="ghost" compact onPress={onBack} accessibilityLabel="Back to email and password" />
      </View>
    </View>
  );
}

/** Shown above the password form when the second step took too long. */
export const SECOND_STEP_EXPIRED = 'That sign-in took too long or was finished elsewhere. Enter your password again.';

const styles = StyleSheet.create({
  lead: { marginBottom: 14 },
  links: { flexDirection: 'row', flexWrap: 'wrap', justifyContent: 'space-between', marginTop: 12 },
});
