// Pending OAuth consents. The state is looked up by its hash and taken exactly
// once (DELETE ... RETURNING), so a replayed callback finds nothing.
import { createHash } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { oauthStates } from '../../db/schema/index.ts';
import type { SecretBox } from '../../lib/secret-box.ts';

const hash = (state: string) => createHash('sha256').update(state).digest('hex');
const binding = (userId: string, provider: string) => ({ userId, purpose: `oauth-state:${provider}` });

export async function saveOAuthState(
  db: Db,
  box: SecretBox,
  input: { userId: string; provider: string; state: string; codeVerifier: string; expiresAt: Date; now: Date },
): Promise<void> {
  // The user's expired consents are garbage; clear them while we are here.
  await db.delete(oauthStates).where(and(eq(oauthStates.userId, input.userId), lt(oauthStates.expiresAt, input.now)));
  await db.insert(oauthStates).values({
    userId: input.userId,
    provider: input.provider,
    stateHash: hash(input.state),
    codeVerifier: box.seal(input.codeVerifier, binding(input.userId, input.provider)),
    expiresAt: input.expiresAt,
  });
}

/**
 * The user and PKCE verifier of a still-valid state, consumed by this call; undefined if unknown, used or expired.
 * NOTE: the one query not scoped by a user id: the callback has no session, the state is what names the user.
 */
export async function takeOAuthState(
  db: Db,
  box: SecretBox,
  input: { provider: string; state: string; now: Date },
): Promise<{ userId: string; codeVerifier: string } | undefined> {
  const [row] = await db
    .delete(oauthStates)
    .where(and(eq(oauthStates.stateHash, hash(input.state)), eq(oauthStates.provider, input.provider), gt(oauthStates.expiresAt, input.now)))
    .returning({ userId: oauthStates.userId, codeVerifier: oauthStates.codeVerifier });
  if (!row) return undefined;
  return { userId: row.userId, codeVerifier: box.open(row.codeVerifier, binding(row.userId, input.provider)) };
}
