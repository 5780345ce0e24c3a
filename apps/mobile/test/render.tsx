import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react-native';
import type { ReactElement } from 'react';
import { createApiClient, type StoredSession, type TokenStore } from '@/lib/api-client';
import { ApiProvider } from '@/lib/api-context';
import { DialogProvider } from '@/ui/dialog';
import { ThemeProvider } from '@/ui/theme';

/** A token store in memory, as SecureStore / localStorage would keep it. */
export function memoryTokenStore(initial: StoredSession | null = null): TokenStore & { current: StoredSession | null } {
  const store = {
    current: initial,
    load: async () => store.current,
    save: async (session: StoredSession) => {
      store.current = session;
    },
    clear: async () => {
      store.current = null;
    },
    withLock: <T,>(fn: () => Promise<T>) => fn(),
  };
  return store;
}

export function signedInClient(fetch: typeof globalThis.fetch, tokens = { accessToken: 'access-1', refreshToken: 'refresh-1' }) {
  const tokenStore = memoryTokenStore({ ...tokens, accessTokenExpiresAt: '2026-12-01T01:00:00.000Z' });
  return { api: createApiClient({ baseUrl: 'http://lifeos.test/api', tokenStore, fetch }), tokenStore };
}

export function renderWithApp(ui: ReactElement, { fetch }: { fetch: typeof globalThis.fetch }) {
  const { api, tokenStore } = signedInClient(fetch);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false, gcTime: Infinity } } });
  const utils = render(
    <ApiProvider client={api}>
      <QueryClientProvider client={queryClient}>
        <ThemeProvider>
          <DialogProvider>{ui}</DialogProvider>
        </ThemeProvider>
      </QueryClientProvider>
    </ApiProvider>,
  );
  return { ...utils, api, tokenStore, queryClient };
}
