// Pending OAuth consents. The state is looked up by its hash and taken exactly
// once (DELETE ... RETURNING), so a replayed callback finds nothing. A browser
// claims a consent once (the hash of its cookie nonce is stored); the callback
// hands the consent back only with that nonce's hash, for the caller to compare.
import { createHash, randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { oauthStates } from '../../db/schema/index.ts';
import type { SecretBox } from '../../lib/secret-box.ts';

export const hashOAuthValue = (value: string) => createHash('sha256').update(value).digest('hex');
const binding = (userId: string, provider: string, rowId: string) => ({ userId, purpose: `oauth-state:${provider}`, rowId });

export async function saveOAuthState(
  db: Db,
  box: SecretBox,
  input: { userId: string; provider: string; state: string; codeVerifier: string; expiresAt: Date; now: Date },
): Promise<void> {
  // The user's expired consents are garbage; clear them while we are here.
  await db.delete(oauthStates).where(and(eq(oauthStates.userId, input.userId), lt(oauthStates.expiresAt, input.now)));
  const id = randomUUID();
  await db.insert(oauthStates).values({
    id,
    userId: input.userId,
    provider: input.provider,
    stateHash: hashOAuthValue(input.state),
    codeVerifier: box.seal(input.codeVerifier, binding(input.userId, input.provider, id)),
    expiresAt: input.expiresAt,
    // The app's clock, like expiresAt: the launch window is measured on it.
    createdAt: input.now,
  });
}

/**
 * Binds a consent nobody opened yet (created after `createdAfter`, not expired) to a browser
 * by its nonce's hash; returns its PKCE verifier, or undefined when the state is unknown,
 * expired or already claimed by a browser.
 * NOTE: not scoped by a user id: the browser has no session, the state names the consent.
 */
export async function claimOAuthState(
  db: Db,
  box: SecretBox,
  input: { provider: string; state: string; browserNonceHash: string; createdAfter: Date; now: Date },
): Promise<{ codeVerifier: string } | undefined> {
  const [row] = await db
    .update(oauthStates)
    .set({ browserNonceHash: input.browserNonceHash })
    .where(
      and(
        eq(oauthStates.stateHash, hashOAuthValue(input.state)),
        eq(oauthStates.provider, input.provider),
        isNull(oauthStates.browserNonceHash),
        gt(oauthStates.expiresAt, input.now),
        gt(oauthStates.createdAt, input.createdAfter),
      ),
    )
    .returning({ id: oauthStates.id, userId: oauthStates.userId, codeVerifier: oauthStates.codeVerifier });
  if (!row) return undefined;
  return { codeVerifier: box.open(row.codeVerifier, binding(row.userId, input.provider, row.id)) };
}

/**
 * The user, PKCE verifier and browser binding of a still-valid state, consumed by this call; undefined if unknown, used or expired.
 * NOTE: the one query not scoped by a user id: the callback has no session, the state is what names the user.
 */
export async function takeOAuthState(
  db: Db,
  box: SecretBox,
  input: { provider: string; state: string; now: Date },
): Promise<{ userId: string; codeVerifier: string; browserNonceHash: string | null } | undefined> {
  const [row] = await db
    .delete(oauthStates)
    .where(and(eq(oauthStates.stateHash, hashOAuthValue(input.state)), eq(oauthStates.provider, input.provider), gt(oauthStates.expiresAt, input.now)))
    .returning({ id: oauthStates.id, userId: oauthStates.userId, codeVerifier: oauthStates.codeVerifier, browserNonceHash: oauthStates.browserNonceHash });
  if (!row) return undefined;
  return { userId: row.userId, codeVerifier: box.open(row.codeVerifier, binding(row.userId, input.provider, row.id)), browserNonceHash: row.browserNonceHash };
}
