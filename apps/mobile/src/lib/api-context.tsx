import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ApiClient, AuthStatus } from './api-client';

const ApiContext = createContext<ApiClient | null>(null);

export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi needs an ApiProvider');
  return client;
}

export function useAuthStatus(): AuthStatus {
  const client = useApi();
  return useSyncExternalStore(client.subscribe, client.getStatus, client.getStatus);
}
