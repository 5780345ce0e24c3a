import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { SafeAreaProvider } from 'react-native-safe-area-context';
import { createApiClient, type ApiClient } from '@/lib/api-client';
import { ApiProvider, useApi, useAuthStatus } from '@/lib/api-context';
import { resolveApiUrl } from '@/lib/config';
import { connectQueryClientToDevice, createQueryClient } from '@/lib/query-client';
import { createTokenStore } from '@/lib/token-store';
import { DialogProvider } from '@/ui/dialog';
import { ThemeProvider } from '@/ui/theme';

/** Everything the screens need: API client, query cache, theme, safe areas. */
export function AppProviders({ children, client }: { children: ReactNode; client?: ApiClient }) {
  const [api] = useState(() => client ?? createApiClient({ baseUrl: resolveApiUrl(), tokenStore: createTokenStore() }));
  const [queryClient] = useState(createQueryClient);
  useEffect(() => {
    void api.ready();
    return connectQueryClientToDevice();
  }, [api]);
  return (
    <SafeAreaProvider>
      <ApiProvider client={api}>
        <QueryClientProvider client={queryClient}>
          <ThemeProvider>
            <DialogProvider>
              <ForgetOnSignOut />
              {children}
            </DialogProvider>
          </ThemeProvider>
        </QueryClientProvider>
      </ApiProvider>
    </SafeAreaProvider>
  );
}

/** Nothing of one user stays cached for the next. */
function ForgetOnSignOut() {
  const status = useAuthStatus();
  const queryClient = useQueryClient();
  const api = useApi();
  useEffect(() => {
    if (status === 'signedOut') queryClient.clear();
  }, [status, queryClient, api]);
  return null;
}
