import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as z from 'zod';
import {
  AccessTokensResponse,
  CreatedAccessTokenResponse,
  MfaStatus,
  Passkey,
  PasskeyOptionsResponse,
  PasskeysResponse,
  RecoveryCodesResponse,
  TotpSetupResponse,
  type CreateAccessTokenBody,
} from '@lifeos/contract';
import { useApi } from '@/lib/api-context';
import { createPasskey } from '@/lib/webauthn';

export const accountSecurityKeys = {
  all: ['account-security'] as const,
  tokens: () => [...accountSecurityKeys.all, 'tokens'] as const,
  mfa: () => [...accountSecurityKeys.all, 'mfa'] as const,
  passkeys: () => [...accountSecurityKeys.all, 'passkeys'] as const,
};

/** Whether two-factor sign-in is on, the recovery codes left and the passkey count. */
export function useMfaStatus() {
  const api = useApi();
  return useQuery({
    queryKey: accountSecurityKeys.mfa(),
    queryFn: ({ signal }) => api.request('/auth/mfa', { schema: MfaStatus, signal }),
  });
}

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
  const queryClient = useQueryClient();
  return useMutation({
    gcTime: 0,
    mutationFn: async (code: string) => (await api.request('/auth/mfa/totp/verify', { method: 'POST', body: { code }, schema: RecoveryCodesResponse })).recoveryCodes,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountSecurityKeys.mfa() }),
  });
}

export function useDisableTotp() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { password: string; code: string }) => api.request<void>('/auth/mfa/totp', { method: 'DELETE', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountSecurityKeys.mfa() }),
  });
}

/** The passkeys that can sign this account in (names and dates; never a key). */
export function usePasskeys() {
  const api = useApi();
  return useQuery({
    queryKey: accountSecurityKeys.passkeys(),
    queryFn: async ({ signal }) => (await api.request('/auth/passkeys', { schema: PasskeysResponse, signal })).passkeys,
  });
}

/** Adds a passkey: the server's options, the browser's ceremony, the server's check. */
export function useAddPasskey() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (name: string | undefined) => {
      const { challengeId, options } = await api.request('/auth/passkeys/register/options', { method: 'POST', schema: PasskeyOptionsResponse });
      const response = await createPasskey(options);
      const body = { challengeId, response, ...(name ? { name } : {}) };
      return (await api.request('/auth/passkeys/register', { method: 'POST', body, schema: z.object({ passkey: Passkey }) })).passkey;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountSecurityKeys.all }),
  });
}

export function useRemovePasskey() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.request<void>(`/auth/passkeys/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountSecurityKeys.all }),
  });
}

