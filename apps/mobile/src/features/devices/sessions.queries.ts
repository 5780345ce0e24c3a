import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '@/lib/api-context';
import { SessionsResponse } from '@lifeos/contract';

export const sessionKeys = {
  all: ['sessions'] as const,
  list: () => [...sessionKeys.all, 'list'] as const,
};

export function useSessions() {
  const api = useApi();
  return useQuery({
    queryKey: sessionKeys.list(),
    queryFn: async ({ signal }) => (await api.request('/auth/sessions', { schema: SessionsResponse, signal })).sessions,
  });
}

/** Signs out one device (its tokens stop working at once). */
export function useRevokeSession() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.request<void>(`/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}

/** Signs out every device but this one. */
export function useRevokeOtherSessions() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (ids: string[]) => {
      for (const id of ids) await api.request<void>(`/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}
