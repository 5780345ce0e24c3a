import { useQuery } from '@tanstack/react-query';
import { useApi } from '@/lib/api-context';
import { AgentsResponse } from '@lifeos/contract';

export const agentKeys = {
  all: ['agents'] as const,
  list: () => [...agentKeys.all, 'list'] as const,
};

export function useAgents() {
  const api = useApi();
  return useQuery({
    queryKey: agentKeys.list(),
    queryFn: async ({ signal }) => (await api.request('/agents', { schema: AgentsResponse, signal })).agents,
    staleTime: 10 * 60_000,
  });
}
