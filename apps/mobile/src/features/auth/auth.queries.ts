import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi, useAuthStatus } from '@/lib/api-context';
import type { Clock } from '@/lib/format';
import { unsubscribeDevice } from '@/features/notifications/push-device';
import { AuthResponse, MeResponse, type LoginBody, type RegisterBody, type UpdateMeBody, type User } from '@lifeos/contract';

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

export function useLogin() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginBody) => api.request('/auth/login', { method: 'POST', body, auth: false, schema: AuthResponse }),
    onSuccess: async (auth) => {
      queryClient.clear();
      queryClient.setQueryData(authKeys.me(), auth.user);
      await api.signIn(auth);
    },
  });
}

export function useRegister() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RegisterBody) => api.request('/auth/register', { method: 'POST', body, auth: false, schema: AuthResponse }),
    onSuccess: async (auth) => {
      queryClient.clear();
      queryClient.setQueryData(authKeys.me(), auth.user);
      await api.signIn(auth);
    },
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
