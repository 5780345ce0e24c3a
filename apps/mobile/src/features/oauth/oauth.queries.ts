import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { OAuthConsentRequestResponse, OAuthDecisionResponse, OAuthGrantList } from '@lifeos/contract';
import { useApi } from '@/lib/api-context';

export const oauthKeys = {
  all: ['oauth'] as const,
  request: (id: string) => [...oauthKeys.all, 'request', id] as const,
  grants: () => [...oauthKeys.all, 'grants'] as const,
};

/** An MCP client's pending request to act for this account. */
export function useConsentRequest(id: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: oauthKeys.request(id ?? ''),
    enabled: Boolean(id),
    retry: false,
    queryFn: async ({ signal }) =>
      (await api.request(`/oauth/requests/${encodeURIComponent(id!)}`, { schema: OAuthConsentRequestResponse, signal })).request,
  });
}

export function useDecide(id: string) {
  const api = useApi();
  return useMutation({
    mutationFn: async (approve: boolean) =>
      (await api.request(`/oauth/requests/${encodeURIComponent(id)}`, { method: 'POST', body: { approve }, schema: OAuthDecisionResponse })).redirectTo,
  });
}

/** MCP clients this account has authorized. */
export function useOAuthGrants() {
  const api = useApi();
  return useQuery({
    queryKey: oauthKeys.grants(),
    queryFn: async ({ signal }) => (await api.request('/oauth/grants', { schema: OAuthGrantList, signal })).grants,
  });
}

export function useRevokeGrant() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.request<void>(`/oauth/grants/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: oauthKeys.grants() }),
  });
}
