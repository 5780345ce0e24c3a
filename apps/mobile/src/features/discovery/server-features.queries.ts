import { useQuery } from '@tanstack/react-query';
import { ServerFeatures } from '@lifeos/contract';
import { useApi } from '@/lib/api-context';

export const serverFeatureKeys = { all: ['server-features'] as const };

const NONE: ServerFeatures['features'] = { google: false, languageModel: false, passwordReset: false };

/** What this server offers (GET /api/config); until it answers, nothing optional is shown. */
export function useServerFeatures(): ServerFeatures['features'] {
  const api = useApi();
  const query = useQuery({
    queryKey: serverFeatureKeys.all,
    queryFn: ({ signal }) => api.request('/config', { auth: false, schema: ServerFeatures, signal }),
    staleTime: 10 * 60_000,
    retry: false,
  });
  return query.data?.features ?? NONE;
}
