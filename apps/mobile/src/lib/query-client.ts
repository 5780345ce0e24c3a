import { QueryClient, onlineManager, focusManager } from '@tanstack/react-query';
import { AppState, Platform } from 'react-native';
import { ApiError } from './api-client';
import { subscribeConnectivity } from './connectivity';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // A 4xx will not change by asking again; network trouble and 5xx may.
        retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}

/** Lets React Query pause and resume with the device's connectivity and app focus. */
export function connectQueryClientToDevice(): () => void {
  onlineManager.setEventListener((setOnline) => subscribeConnectivity(setOnline));
  if (Platform.OS === 'web') return () => undefined;
  const subscription = AppState.addEventListener('change', (state) => focusManager.setFocused(state === 'active'));
  return () => subscription.remove();
}
