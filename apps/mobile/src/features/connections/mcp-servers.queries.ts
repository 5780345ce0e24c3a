import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '@/lib/api-context';
import { McpServerResponse, McpServersResponse, McpSignInResponse, type CreateMcpServerBody } from '@lifeos/contract';

export const mcpServerKeys = {
  all: ['mcp-servers'] as const,
  list: () => [...mcpServerKeys.all, 'list'] as const,
};

export function useMcpServers() {
  const api = useApi();
  return useQuery({
    queryKey: mcpServerKeys.list(),
    queryFn: async ({ signal }) => (await api.request('/mcp/servers', { schema: McpServersResponse, signal })).servers,
  });
}

export function useAddMcpServer() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    // `signInUrl` is set when the server signs in with OAuth: its row then offers "Sign in".
    mutationFn: async (body: CreateMcpServerBody) => api.request('/mcp/servers', { method: 'POST', body, schema: McpServerResponse }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: mcpServerKeys.all }),
  });
}

export function useRemoveMcpServer() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.request<void>(`/mcp/servers/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: mcpServerKeys.all }),
  });
}

export function useRefreshMcpServer() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      (await api.request(`/mcp/servers/${encodeURIComponent(id)}/refresh`, { method: 'POST', schema: McpServerResponse })).server,
    // A failed refresh changes the server's status too.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: mcpServerKeys.all }),
  });
}

/** The URL to open for signing in to a server that uses OAuth; null when its stored sign-in still works. */
export function useMcpSignIn() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => (await api.request(`/mcp/servers/${encodeURIComponent(id)}/sign-in`, { method: 'POST', schema: McpSignInResponse })).url,
    onSettled: () => void queryClient.invalidateQueries({ queryKey: mcpServerKeys.all }),
  });
}
