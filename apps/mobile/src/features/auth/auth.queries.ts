import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi, useAuthStatus } from '@/lib/api-context';
import type { Clock } from '@/lib/format';
import { ApiError } from '@/lib/api-client';
import { deviceName } from '@/lib/platform-info';
import { getPasskey } from '@/lib/webauthn';
import { AuthResponse, MeResponse, MfaRequiredProblem, PasskeyOptionsResponse, type LoginBody, type RegisterBody, type UpdateMeBody, type User } from '@lifeos/contract';
import { unsubscribeDevice } from '@/features/notifications/push-device';

export const authKeys = {
  all: ['auth'] as const,
  me: () => [...authKeys.all, 'me'] as const,
};

export function useMe() {
  const api = useApi();
  const status = useAuthStatus();
  return useQuery({
    queryKey: authKeys.me(),
    queryFn: async ({ signal }) => (await api.request('/auth/me', { schema: MeResponse, signal })).user,
    enabled: status === 'signedIn',
    staleTime: 5 * 60_000,
  });
}

/** The password was right but two-factor is on: the second step's single-use token (5 minutes). */
export type LoginOutcome = { kind: 'signedIn' } | { kind: 'mfaRequired'; mfaToken: string };

/** The mfaToken of a 401 `mfa_required`, or null for any other error. */
export function mfaTokenOf(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'mfa_required') return null;
  const parsed = MfaRequiredProblem.safeParse(error.body);
  return parsed.success ? parsed.data.mfaToken : null;
}

/** Keeps the new session and starts this device's caches afresh. */
export function useFinishSignIn() {
  const api = useApi();
  const queryClient = useQueryClient();
  return async (auth: AuthResponse) => {
    queryClient.clear();
    queryClient.setQueryData(authKeys.me(), auth.user);
    await api.signIn(auth);
  };
}

/** Password sign-in; with two-factor on it resolves to the second step instead of a session. */
export function useLogin() {
  const api = useApi();
  const finish = useFinishSignIn();
  return useMutation({
    mutationFn: async (body: LoginBody): Promise<LoginOutcome> => {
      let auth: AuthResponse;
      try {
        auth = await api.request('/auth/login', { method: 'POST', body, auth: false, schema: AuthResponse });
      } catch (error) {
        const mfaToken = mfaTokenOf(error);
        if (mfaToken) return { kind: 'mfaRequired', mfaToken };
        throw error;
      }
      await finish(auth);
      return { kind: 'signedIn' };
    },
  });
}

/** Login's second step: the mfaToken and a TOTP code or a recovery code. */
export function useLoginSecondStep() {
  const api = useApi();
  const finish = useFinishSignIn();
  return useMutation({
    mutationFn: (body: { mfaToken: string; code: string }) => api.request('/auth/login/mfa', { method: 'POST', body, auth: false, schema: AuthResponse }),
    onSuccess: finish,
  });
}

/** Signs in with a passkey the browser offers (discoverable credentials: no email typed). */
export function usePasskeySignIn() {
  const api = useApi();
  const finish = useFinishSignIn();
  return useMutation({
    mutationFn: async () => {
      const { challengeId, options } = await api.request('/auth/passkeys/login/options', { method: 'POST', auth: false, schema: PasskeyOptionsResponse });
      const response = await getPasskey(options);
      return api.request('/auth/passkeys/login', { method: 'POST', auth: false, body: { challengeId, response, deviceName: deviceName() }, schema: AuthResponse });
    },
    onSuccess: finish,
  });
}

export function useRegister() {
  const api = useApi();
  const finish = useFinishSignIn();
  return useMutation({
    mutationFn: (body: RegisterBody) => api.request('/auth/register', { method: 'POST', body, auth: false, schema: AuthResponse }),
    onSuccess: finish,
  });
}

export function useLogout() {
  const api = useApi();
  return useMutation({
    mutationFn: async () => {
      try {
        await api.request('/auth/logout', { method: 'POST' });
      } finally {
        // No more notifications here, even when the server cannot be told (it ends the session's subscription itself).
        await unsubscribeDevice().catch(() => undefined);
        // Signed out on this device even when the server cannot be told.
        await api.signOutLocally('user');
      }
    },
  });
}

export function useUpdateMe() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: UpdateMeBody) =>
      (await api.request('/auth/me', { method: 'PATCH', body, schema: MeResponse })).user,
    onSuccess: (user: User) => queryClient.setQueryData(authKeys.me(), user),
  });
}

/** The signed-in user's time zone and time format, for every date the app shows. */
export function useClock(): Clock {
  const me = useMe();
  return { timeZone: me.data?.timezone, timeFormat: me.data?.settings.timeFormat };
}
