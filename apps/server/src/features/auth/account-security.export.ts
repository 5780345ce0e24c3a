// The account export's security section: tokens, passkeys and whether
// two-factor is on. Names, dates and scopes only; never a secret or a hash.
import type { AppContext } from '../../context.ts';
import { exportAccessTokens } from './access-tokens.service.ts';
import { mfaStatus } from './mfa.service.ts';
import { listPasskeys } from './passkeys.service.ts';

export async function exportAccountSecurity(ctx: AppContext, userId: string): Promise<Record<string, unknown>> {
  return { accessTokens: await exportAccessTokens(ctx, userId), passkeys: await listPasskeys(ctx, userId), mfa: await mfaStatus(ctx, userId) };
}
