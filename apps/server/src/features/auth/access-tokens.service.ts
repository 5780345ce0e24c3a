// Personal access tokens: `lifeos_pat_` + 256 random bits, shown once; only
// the SHA-256 is stored. Checked on every request (no cache: a revocation
// holds at once), carrying only their scopes.
import { randomBytes } from 'node:crypto';
import { PERSONAL_ACCESS_TOKEN_PREFIX, type AccessToken, type CreateAccessTokenBody, type Scope } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import { notFound } from '../../http/errors.ts';
import { logEvent } from '../../lib/events.ts';
import * as repo from './access-tokens.repo.ts';
import { toUser, type AuthInfo } from './auth.service.ts';
import { SESSION_REVOKED, publishAuthEvent } from './session-cache.ts';
import { hashToken } from './tokens.ts';

const DAY_MS = 24 * 3600 * 1000;

const toAccessToken = (row: repo.AccessTokenRow): AccessToken => ({
  id: row.id,
  name: row.name,
  scopes: row.scopes as Scope[],
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt?.toISOString() ?? null,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

export const isPersonalAccessToken = (bearer: string) => bearer.startsWith(PERSONAL_ACCESS_TOKEN_PREFIX);

export async function createAccessToken(ctx: AppContext, auth: AuthInfo, input: CreateAccessTokenBody): Promise<{ token: string; accessToken: AccessToken }> {
  const token = PERSONAL_ACCESS_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const now = ctx.now();
  const row = await repo.insertAccessToken(ctx.db, {
    userId: auth.userId,
    name: input.name,
    tokenHash: hashToken(token),
    scopes: input.scopes,
    expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY_MS) : null,
    now,
  });
  logEvent(ctx, 'auth.token_created', { userId: auth.userId, tokenId: row.id, scopes: input.scopes });
  return { token, accessToken: toAccessToken(row) };
}

export async function listAccessTokens(ctx: AppContext, auth: AuthInfo): Promise<AccessToken[]> {
  return (await repo.listAccessTokens(ctx.db, auth.userId)).map(toAccessToken);
}

/** For the account export: what a token is, never its hash. */
export const exportAccessTokens = (ctx: AppContext, userId: string) =>
  repo.listAccessTokens(ctx.db, userId).then((rows) => rows.map(toAccessToken));

export async function revokeAccessToken(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  if (!(await repo.deleteAccessToken(ctx.db, auth.userId, id))) throw notFound('Token');
  // Streams opened with the token end too (its id stands for the session).
  await publishAuthEvent(ctx, { userId: auth.userId, type: SESSION_REVOKED, data: { sessionId: id } });
  logEvent(ctx, 'auth.token_revoked', { userId: auth.userId, tokenId: id });
}

/** The per-request check of a personal access token: known and unexpired. */
export async function authenticateAccessToken(ctx: AppContext, bearer: string): Promise<AuthInfo | null> {
  const found = await repo.findAccessTokenByHash(ctx.db, hashToken(bearer));
  const now = ctx.now();
  if (!found || (found.token.expiresAt && found.token.expiresAt <= now)) return null;
  await repo.touchAccessToken(ctx.db, found.token.id, now);
  return {
    userId: found.user.id,
    user: toUser(found.user),
    kind: 'token',
    sessionId: found.token.id,
    scopes: found.token.scopes as Scope[],
    expiresAt: found.token.expiresAt,
  };
}
