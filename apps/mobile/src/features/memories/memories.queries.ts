import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '@/lib/api-context';
import { MemoriesResponse, MemoryResponse } from '@lifeos/contract';

export const memoryKeys = {
  all: ['memories'] as const,
  list: (q: string) => [...memoryKeys.all, 'list', q] as const,
};

/** Newest first, or best match first when searching. */
export function useMemories(q: string) {
  const api = useApi();
  return useQuery({
    queryKey: memoryKeys.list(q),
    queryFn: async ({ signal }) =>
      (await api.request('/memories', { query: { q: q || undefined, limit: 100 }, schema: MemoriesResponse, signal })).memories,
    placeholderData: (previous) => previous,
  });
}

export function useCreateMemory() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (content: string) => (await api.request('/memories', { method: 'POST', body: { content }, schema: MemoryResponse })).memory,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: memoryKeys.all }),
  });
}

export function useUpdateMemory() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, content }: { id: string; content: string }) =>
      (await api.request(`/memories/${encodeURIComponent(id)}`, { method: 'PATCH', body: { content }, schema: MemoryResponse })).memory,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: memoryKeys.all }),
  });
}

export function useDeleteMemory() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.request<void>(`/memories/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: memoryKeys.all }),
  });
}
