import { useMutation } from '@tanstack/react-query';
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
      await api.signOutLocally();
    },
  });
}
