import { Link } from 'expo-router';
import { useEffect, useRef, useState } from 'react';
import { KeyboardAvoidingView, Platform, ScrollView, StyleSheet, Text, View, type TextInput } from 'react-native';
import { useApi } from '@/lib/api-context';
import { LoginBody, RegisterBody } from '@lifeos/contract';
import { deviceName, deviceTimeFormat, deviceTimeZone } from '@/lib/platform-info';
import { useServerFeatures } from '@/features/discovery/server-features.queries';
import { Button, Heading, Muted, Notice, PasswordField, TextField } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';
import { passkeyErrorMessage } from '@/lib/passkey-errors';
import { passkeysSupported } from '@/lib/webauthn';
import { useLogin, usePasskeySignIn, useRegister } from './auth.queries';
import { apiFieldErrors, bannerError, zodFieldErrors, type FormErrors } from './form-errors';
import { SECOND_STEP_EXPIRED, SecondStepForm } from './second-step-form';

const SIGN_OUT_NOTICES = {
  ended: 'You were signed out: this session was ended on another device, or it expired. Sign in again to continue.',
  deleted: 'Your account and everything in it was deleted.',
} as const;

/** Sign-in and registration: validated as you submit, with the server's reason when it refuses. */
export function AuthForm({ mode }: { mode: 'login' | 'register' }) {
  const { colors } = useTheme();
  const login = useLogin();
  const register = useRegister();
  const mutation = mode === 'login' ? login : register;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [username, setUsername] = useState('');
  const [errors, setErrors] = useState<FormErrors>({});
  const passwordRef = useRef<TextInput>(null);
  const timeZone = deviceTimeZone();
  const api = useApi();
  const features = useServerFeatures();
  const [signedOutNotice, setSignedOutNotice] = useState<string | null>(null);
  // Set while login waits for its second step (two-factor on).
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const passkey = usePasskeySignIn();
  const [canUsePasskeys] = useState(passkeysSupported);
  useEffect(() => {
    const reason = api.takeSignOutReason();
    if (reason === 'ended' || reason === 'deleted') setSignedOutNotice(SIGN_OUT_NOTICES[reason]);
  }, [api]);

  function submit() {
    if (mutation.isPending) return;
    const input =
      mode === 'login'
        ? LoginBody.safeParse({ email, password, deviceName: deviceName() })
        : RegisterBody.safeParse({
            email,
            password,
            username: username.trim() || undefined,
            timezone: timeZone,
            deviceName: deviceName(),
            settings: { timeFormat: deviceTimeFormat() },
          });
    if (!input.success) {
      setErrors(zodFieldErrors(input.error));
      return;
    }
    setErrors({});
    setSignedOutNotice(null);
    const onError = (error: unknown) => setErrors(apiFieldErrors(error));
    if (mode === 'login') {
      passkey.reset();
      login.mutate(input.data as LoginBody, {
        onError,
        onSuccess: (outcome) => {
          if (outcome.kind === 'mfaRequired') setMfaToken(outcome.mfaToken);
        },
      });
    } else register.mutate(input.data as RegisterBody, { onError });
  }

  function signInWithPasskey() {
    if (passkey.isPending) return;
    setErrors({});
    setSignedOutNotice(null);
    login.reset();
    passkey.mutate();
  }

  function leaveSecondStep(notice: string | null) {
    setMfaToken(null);
    login.reset();
    setSignedOutNotice(notice);
  }

  const title = mode === 'login' ? 'Sign in to LifeOS' : 'Create your LifeOS account';
  return (
    <KeyboardAvoidingView behavior={Platform.OS === 'ios' ? 'padding' : undefined} style={{ flex: 1 }}>
      <ScrollView contentContainerStyle={styles.scroll} keyboardShouldPersistTaps="handled">
        <View style={[styles.card, { backgroundColor: colors.surface, borderColor: colors.border }]} role="form">
          <Text style={[styles.brand, { color: colors.link }]}>LifeOS</Text>
          <Heading>{title}</Heading>
          <Muted style={styles.lead}>One chat for your mail, calendar and memories.</Muted>
          {signedOutNotice ? <Notice tone="info">{signedOutNotice}</Notice> : null}
          {mode === 'login' && mfaToken ? (
            <SecondStepForm mfaToken={mfaToken} onExpired={() => leaveSecondStep(SECOND_STEP_EXPIRED)} onBack={() => leaveSecondStep(null)} />
          ) : (
            <>
              {bannerError(mutation.error, errors) ? <Notice>{bannerError(mutation.error, errors)}</Notice> : null}
              {passkey.error ? <Notice>{passkeyErrorMessage(passkey.error, 'signIn')}</Notice> : null}
              {mode === 'register' ? (
                <TextField
                  label="Name (optional)"
                  value={username}
                  onChangeText={setUsername}
                  autoComplete="name"
                  textContentType="name"
                  returnKeyType="next"
                  error={errors.username}
                  testID="auth-username"
                />
              ) : null}
              <TextField
                label="Email"
                value={email}
                onChangeText={setEmail}
                autoCapitalize="none"
                autoCorrect={false}
                autoComplete="email"
                keyboardType="email-address"
                textContentType="emailAddress"
                inputMode="email"
                returnKeyType="next"
                onSubmitEditing={() => passwordRef.current?.focus()}
                error={errors.email}
                testID="auth-email"
              />
              <PasswordField
                ref={passwordRef}
                label="Password"
                value={password}
                onChangeText={setPassword}
                secureTextEntry
                autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
                textContentType={mode === 'login' ? 'password' : 'newPassword'}
                returnKeyType="go"
                onSubmitEditing={submit}
                error={errors.password}
                hint={mode === 'register' ? 'At least 8 characters.' : undefined}
                testID="auth-password"
              />
              {/* Shown only where the server can send the reset mail (GET /api/config). */}
              {mode === 'login' && features.passwordReset ? (
                <Link href="/forgot-password" style={[styles.forgot, { color: colors.link }]}>
                  Forgot password?
                </Link>
              ) : null}
              {mode === 'register' ? <Muted style={styles.small}>Time zone: {timeZone} (from this device)</Muted> : null}
              <Button
                label={mode === 'login' ? 'Sign in' : 'Create account'}
                onPress={submit}
                busy={mutation.isPending}
                style={styles.submit}
                testID="auth-submit"
              />
              {/* Discoverable credentials: the browser offers this site's passkeys, no email needed. */}
              {mode === 'login' && canUsePasskeys ? (
                <Button
                  label="Sign in with a passkey"
                  variant="secondary"
                  onPress={signInWithPasskey}
                  busy={passkey.isPending}
                  style={styles.passkey}
                  testID="auth-passkey"
                />
              ) : null}
            </>
          )}
          <View style={styles.switch}>
            <Muted>{mode === 'login' ? 'New here? ' : 'Already have an account? '}</Muted>
            <Link href={mode === 'login' ? '/register' : '/login'} style={[styles.link, { color: colors.link }]}>
              {mode === 'login' ? 'Create an account' : 'Sign in'}
            </Link>
          </View>
        </View>
      </ScrollView>
    </KeyboardAvoidingView>
  );
}

const styles = StyleSheet.create({
  scroll: { flexGrow: 1, justifyContent: 'center', alignItems: 'center', padding: 16 },
  card: { width: '100%', maxWidth: 420, borderWidth: 1, borderRadius: 16, padding: 24 },
  brand: { fontSize: 14, fontWeight: '800', letterSpacing: 1, marginBottom: 8, textTransform: 'uppercase' },
  lead: { marginBottom: 18 },
  small: { fontSize: 13, marginBottom: 14 },
  submit: { marginTop: 4 },
  passkey: { marginTop: 10 },
  switch: { flexDirection: 'row', flexWrap: 'wrap', justifyContent: 'center', marginTop: 18 },
  link: { fontWeight: '600', textDecorationLine: 'underline' },
  forgot: { alignSelf: 'flex-end', marginBottom: 12, textDecorationLine: 'underline' },
});
