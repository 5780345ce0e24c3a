import { useMutation } from '@tanstack/react-query';
import { AuthResponse } from '@lifeos/contract';
import { ApiError, type ApiClient } from '@/lib/api-client';
import { useApi } from '@/lib/api-context';

export const accountKeys = { all: ['account'] as const };

/** Everything of the user's, as the JSON the server exports. */
export function useExportAccount() {
  const api = useApi();
  return useMutation({
    mutationFn: () => api.request<unknown>('/account/export'),
  });
}

/** Deletes the account after the password is re-entered; signs out here. */
export function useDeleteAccount() {
  const api = useApi();
  return useMutation({
    mutationFn: async (password: string) => {
      await api.request<void>('/account', { method: 'DELETE', body: { password } });
      await api.signOutLocally('deleted');
    },
  });
}

/**
 * Checks the password before the final "delete" question: a sign-in with it
 * (a wrong one is refused), whose session is ended at once.
 */
export async function checkPassword(api: ApiClient, email: string, password: string): Promise<boolean> {
  try {
    const auth = await api.request('/auth/login', { method: 'POST', auth: false, body: { email, password, deviceName: 'Password check' }, schema: AuthResponse });
    await fetch(api.url('/auth/logout'), { method: 'POST', headers: { Authorization: `Bearer ${auth.accessToken}` } }).catch(() => undefined);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'invalid_credentials') return false;
    throw error;
  }
}

/** POST /api/auth/password: every other device is signed out. */
export function useChangePassword() {
  const api = useApi();
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => api.request<void>('/auth/password', { method: 'POST', body }),
  });
}
