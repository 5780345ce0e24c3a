import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  AccessTokensResponse,
  CreatedAccessTokenResponse,
  RecoveryCodesResponse,
  TotpSetupResponse,
  type CreateAccessTokenBody,
} from '@lifeos/contract';
import { useApi } from '@/lib/api-context';

export const accountSecurityKeys = {
  all: ['account-security'] as const,
  tokens: () => [...accountSecurityKeys.all, 'tokens'] as const,
};

/** Personal access tokens of this account (never their secrets). */
export function useAccessTokens() {
  const api = useApi();
  return useQuery({
    queryKey: accountSecurityKeys.tokens(),
    queryFn: async ({ signal }) => (await api.request('/auth/tokens', { schema: AccessTokensResponse, signal })).tokens,
  });
}

// NOTE: answers carrying a secret (a token, a TOTP key, recovery codes) use
// gcTime 0, so the mutation cache drops them as soon as no screen shows them.

/** The answer holds the secret `token`, shown once. */
export function useCreateAccessToken() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    gcTime: 0,
    mutationFn: (body: CreateAccessTokenBody) => api.request('/auth/tokens', { method: 'POST', body, schema: CreatedAccessTokenResponse }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountSecurityKeys.tokens() }),
  });
}

export function useRevokeAccessToken() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.request<void>(`/auth/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountSecurityKeys.tokens() }),
  });
}

/** A new TOTP secret, not active until a code from it is verified; 409 when two-factor sign-in is on already. */
export function useStartTotpSetup() {
  const api = useApi();
  return useMutation({
    gcTime: 0,
    mutationFn: () => api.request('/auth/mfa/totp', { method: 'POST', schema: TotpSetupResponse }),
  });
}

/** Turns two-factor sign-in on; the answer is the ten recovery codes, shown once. */
export function useVerifyTotp() {
  const api = useApi();
  return useMutation({
    gcTime: 0,
    mutationFn: async (code: string) => (await api.request('/auth/mfa/totp/verify', { method: 'POST', body: { code }, schema: RecoveryCodesResponse })).recoveryCodes,
  });
}

export function useDisableTotp() {
  const api = useApi();
  return useMutation({
    mutationFn: (body: { password: string; code: string }) => api.request<void>('/auth/mfa/totp', { method: 'DELETE', body }),
  });
}
