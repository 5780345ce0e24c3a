import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { PushConfigResponse, PushSubscriptionResponse, PushSubscriptionsResponse } from '@lifeos/contract';
import { useApi } from '@/lib/api-context';
import { subscribeDevice, unsubscribeDevice } from './push-device';

export const pushKeys = {
  all: ['push'] as const,
  config: () => [...pushKeys.all, 'config'] as const,
  subscriptions: () => [...pushKeys.all, 'subscriptions'] as const,
};

export function usePushConfig() {
  const api = useApi();
  return useQuery({ queryKey: pushKeys.config(), queryFn: ({ signal }) => api.request('/push/config', { schema: PushConfigResponse, signal }), staleTime: Infinity });
}

/** The devices (sessions) that get notifications. */
export function usePushSubscriptions() {
  const api = useApi();
  return useQuery({
    queryKey: pushKeys.subscriptions(),
    queryFn: async ({ signal }) => (await api.request('/push/subscriptions', { schema: PushSubscriptionsResponse, signal })).subscriptions,
  });
}

/** Turns notifications on for this device: asks the browser (a user's tap must start this), then registers with the server. */
export function useEnablePush() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (config: PushConfigResponse) => {
      const body = await subscribeDevice(config);
      return (await api.request('/push/subscriptions', { method: 'POST', body, schema: PushSubscriptionResponse })).subscription;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: pushKeys.all }),
  });
}

/** Stops notifications to one device; for this device the browser's subscription ends too. */
export function useDisablePush() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, current }: { id: string; current: boolean }) => {
      await api.request<void>(`/push/subscriptions/${encodeURIComponent(id)}`, { method: 'DELETE' });
      if (current) await unsubscribeDevice();
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: pushKeys.all }),
  });
}

export function useTestPush() {
  const api = useApi();
  return useMutation({ mutationFn: () => api.request<{ subscriptions: number }>('/push/test', { method: 'POST' }) });
}
