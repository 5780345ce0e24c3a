import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '@/lib/api-context';
import { McpServerResponse, McpServersResponse, type CreateMcpServerBody } from '@lifeos/contract';

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
    mutationFn: async (body: CreateMcpServerBody) => (await api.request('/mcp/servers', { method: 'POST', body, schema: McpServerResponse })).server,
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
