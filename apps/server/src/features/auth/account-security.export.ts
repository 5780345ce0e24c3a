// The account's security status: whether two-factor is on and which passkeys
// and tokens it has, for GET /api/auth/mfa and the account export. Names,
// dates and scopes only; never a secret or a hash.
import type { MfaStatus } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import { exportAccessTokens } from './access-tokens.service.ts';
import { mfaStatus } from './mfa.service.ts';
import { listPasskeys } from './passkeys.service.ts';

/** On or off, the recovery codes left and how many passkeys can sign the user in. */
export async function securityStatus(ctx: AppContext, userId: string): Promise<MfaStatus> {
  const mfa = await mfaStatus(ctx, userId);
  return { ...mfa, passkeys: (await listPasskeys(ctx, userId)).length };
}

export async function exportAccountSecurity(ctx: AppContext, userId: string): Promise<Record<string, unknown>> {
  return { accessTokens: await exportAccessTokens(ctx, userId), passkeys: await listPasskeys(ctx, userId), mfa: await securityStatus(ctx, userId) };
}
