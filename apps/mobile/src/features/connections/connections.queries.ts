import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '@/lib/api-context';
import {
  CalDavConnectionResponse,
  ConnectionResponse,
  ConnectionsResponse,
  GoogleStartResponse,
  type CreateCalDavConnectionBody,
  type CreateImapConnectionBody,
} from '@lifeos/contract';
import { agentKeys } from '@/features/agents/agents.queries';
import { calendarKeys } from '@/features/calendar/calendar.queries';

export const connectionKeys = {
  all: ['connections'] as const,
  list: () => [...connectionKeys.all, 'list'] as const,
};

export function useConnections() {
  const api = useApi();
  return useQuery({
    queryKey: connectionKeys.list(),
    queryFn: async ({ signal }) => (await api.request('/connections', { schema: ConnectionsResponse, signal })).connections,
  });
}

export function useConnectImap() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateImapConnectionBody) =>
      (await api.request('/connections/imap', { method: 'POST', body, schema: ConnectionResponse })).connection,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: connectionKeys.all });
      // @mail's status ("needs_connection") changes with its accounts.
      void queryClient.invalidateQueries({ queryKey: agentKeys.all });
    },
  });
}

export function useGoogleConsentUrl() {
  const api = useApi();
  return useMutation({
    mutationFn: async () => (await api.request('/connections/google/start', { schema: GoogleStartResponse })).url,
  });
}

export function useDisconnect() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.request<void>(`/connections/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: connectionKeys.all });
      void queryClient.invalidateQueries({ queryKey: agentKeys.all });
    },
  });
}

export function useConnectCalDav() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateCalDavConnectionBody) =>
      (await api.request('/connections/caldav', { method: 'POST', body, schema: CalDavConnectionResponse })).connection,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: connectionKeys.all });
      void queryClient.invalidateQueries({ queryKey: calendarKeys.all });
      void queryClient.invalidateQueries({ queryKey: agentKeys.all });
    },
  });
}
