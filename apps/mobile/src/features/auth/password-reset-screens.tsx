import { Link, useLocalSearchParams } from 'expo-router';
import { useState } from 'react';
import { ScrollView, StyleSheet, View } from 'react-native';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '@/lib/api-context';
import { errorMessage } from '@/lib/api-client';
import { Button, Heading, Muted, Notice, PasswordField, TextField } from '@/ui/primitives';
import { useTheme } from '@/ui/theme';

/** "Forgot password?": asks for the email; the server answers the same for any address. */
export function ForgotPasswordScreen() {
  const api = useApi();
  const { colors } = useTheme();
  const [email, setEmail] = useState('');
  const send = useMutation({
    mutationFn: () => api.request<void>('/auth/password/forgot', { method: 'POST', body: { email: email.trim() }, auth: false }),
  });
  return (
    <ScrollView contentContainerStyle={styles.content} keyboardShouldPersistTaps="handled">
      <Heading>Reset your password</Heading>
      {send.isSuccess ? (
        <Notice tone="success">If an account uses {email.trim()}, a mail with a link to choose a new password is on its way. The link works once, for 30 minutes.</Notice>
      ) : (
        <>
          <Muted>Enter the email you sign in with. We will send a link to choose a new password.</Muted>
          <TextField label="Email" value={email} onChangeText={setEmail} autoComplete="email" keyboardType="email-address" autoCapitalize="none" testID="forgot-email" />
          {send.error ? <Notice>{errorMessage(send.error)}</Notice> : null}
          <Button label="Send the link" busy={send.isPending} disabled={!email.includes('@')} onPress={() => send.mutate()} testID="forgot-submit" />
        </>
      )}
      <View style={styles.back}>
        <Link href="/login" style={{ color: colors.link }}>
          Back to sign in
        </Link>
      </View>
    </ScrollView>
  );
}

/** The page the reset mail links to (APP_URL/reset?token=…): a new password, then sign in. */
export function ResetPasswordScreen() {
  const api = useApi();
  const { colors } = useTheme();
  const { token } = useLocalSearchParams<{ token?: string }>();
  const [password, setPassword] = useState('');
  const reset = useMutation({
    mutationFn: () => api.request<void>('/auth/password/reset', { method: 'POST', body: { token, newPassword: password }, auth: false }),
  });
  return (
    <ScrollView contentContainerStyle={styles.content} keyboardShouldPersistTaps="handled">
      <Heading>Choose a new password</Heading>
      {!token ? <Notice>This page needs the link from the reset mail.</Notice> : null}
      {reset.isSuccess ? (
        <Notice tone="success">Your password is changed, and every device was signed out. Sign in with the new password.</Notice>
      ) : token ? (
        <>
          <PasswordField label="New password" value={password} onChangeText={setPassword} autoComplete="new-password" hint="At least 8 characters." testID="reset-password" />
          {reset.error ? <Notice>{errorMessage(reset.error)}</Notice> : null}
          <Button label="Set the new password" busy={reset.isPending} disabled={password.length < 8} onPress={() => reset.mutate()} testID="reset-submit" />
        </>
      ) : null}
      <View style={styles.back}>
        <Link href="/login" style={{ color: colors.link }}>
          Sign in
        </Link>
      </View>
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  content: { padding: 16, maxWidth: 480, width: '100%', alignSelf: 'center', gap: 12, paddingTop: 48 },
  back: { marginTop: 8 },
});
