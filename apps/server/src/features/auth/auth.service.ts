import { DEFAULT_BRIEFING, type AuthResponse, type RegisterBody, type Scope, type Session, type TimeFormat, type UpdateMeBody, type User } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { DbOrTx } from '../../db/client.ts';
import { HttpError, notFound, unauthorized } from '../../http/errors.ts';
import { logEvent } from '../../lib/events.ts';
import * as repo from './auth.repo.ts';
import { sendNotice } from './mailer.ts';
import { completeSecondFactor, isTotpEnabled, requireSecondFactor } from './mfa.service.ts';
import { checkNewPassword } from './password-policy.ts';
import { admitRegistration, linkInvite, precheckRegistration } from './registration.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { SESSION_REVOKED, USER_UPDATED, publishAuthEvent } from './session-cache.ts';
import { hashToken, newRefreshToken, signAccessToken, verifyAccessToken } from './tokens.ts';

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
export const SESSION_IDLE_MS = 14 * 24 * 3600 * 1000;


/** Who a request is, as the auth middleware leaves it in `res.locals.auth` (and handlers get as `auth`). */
export interface AuthInfo {
  userId: string;
  user: User;
  /** How the request signed in: a session's access token, or a personal access token. */
  kind: 'session' | 'token';
  /** The signed-in device's session; for a personal access token, the token's id. */
  sessionId: string;
  /** null: everything a signed-in user may do; a personal access token: its scopes only. */
  scopes: readonly Scope[] | null;
  /** When this credential stops working: the access token's expiry; a personal access token's expiry (null: none). */
  expiresAt: Date | null;
}

export function toUser(row: repo.UserRow): User {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    timezone: row.timezone,
    createdAt: (row.createdAt ?? new Date(0)).toISOString(),
    settings: { memoryExtraction: row.memoryExtraction, briefing: row.briefing ?? DEFAULT_BRIEFING, timeFormat: row.timeFormat === '12h' ? '12h' : '24h' },
  };
}

async function startSession(ctx: AppContext, user: repo.UserRow, deviceName: string | null): Promise<AuthResponse> {
  const refresh = newRefreshToken();
  const now = ctx.now();
  const session = await repo.insertSession(ctx.db, {
    userId: user.id,
    tokenHash: refresh.hash,
    deviceName,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
    now,
  });
  const access = await signAccessToken(ctx.config.jwtSecret, { userId: user.id, sessionId: session.id }, now);
  return {
    user: toUser(user),
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    refreshToken: refresh.token,
  };
}

/** The clock of the first locale in an Accept-Language header that Intl knows; 24h without one. */
export function timeFormatOfLocale(acceptLanguage: string | undefined): TimeFormat {
  const tags = (acceptLanguage ?? '')
    .split(',')
    .map((part) => part.split(';')[0]!.trim())
    .filter((tag) => tag && tag !== '*');
  for (const tag of tags.slice(0, 5)) {
    try {
      const cycle = new Intl.DateTimeFormat(tag, { hour: 'numeric' }).resolvedOptions().hourCycle;
      return cycle === 'h12' || cycle === 'h11' ? '12h' : '24h';
    } catch {
      // not a locale Intl knows: try the next one
    }
  }
  return '24h';
}

export async function register(ctx: AppContext, input: RegisterBody, acceptLanguage?: string): Promise<AuthResponse> {
  checkNewPassword(input.password, input.email, 'password');
  await precheckRegistration(ctx, input.inviteCode);
  const passwordHash = await hashPassword(ctx, input.password);
  const user = await ctx.db.transaction(async (tx) => {
    const inviteId = await admitRegistration(ctx, tx, input.inviteCode);
    const row = await repo.insertUser(tx, {
      email: input.email,
      passwordHash,
      username: input.username ?? null,
      timezone: input.timezone ?? 'UTC',
      timeFormat: input.settings?.timeFormat ?? input.timeFormat ?? timeFormatOfLocale(acceptLanguage),
    });
    // Thrown inside: the transaction (and the invite's use) is rolled back.
    if (!row) throw new HttpError(409, 'email_taken', 'An account with this email already exists');
    if (inviteId) await linkInvite(tx, inviteId, row.id);
    return row;
  });
  logEvent(ctx, 'user.registered', { userId: user.id });
  return startSession(ctx, user, input.deviceName ?? null);
}

const INVALID_LOGIN = () => new HttpError(401, 'invalid_credentials', 'Email or password is incorrect');

export async function login(
  ctx: AppContext,
  input: { email: string; password: string; deviceName?: string | undefined },
): Promise<AuthResponse> {
  const user = await repo.findUserByEmail(ctx.db, input.email);
  const ok = user?.passwordHash
    ? await verifyPassword(ctx, user.passwordHash, input.password)
    : await verifyAgainstDummy(ctx, input.password);
  if (!user || !ok) {
    logEvent(ctx, 'auth.login_failed', {});
    throw INVALID_LOGIN();
  }
  if (await isTotpEnabled(ctx, user.id)) await requireSecondFactor(ctx, user.id, input.deviceName ?? null);
  return signIn(ctx, user, input.deviceName ?? null);
}

/** Login's second step: the mfaToken of a right password, and a TOTP or recovery code. */
export async function loginWithSecondFactor(ctx: AppContext, input: { mfaToken: string; code: string }): Promise<AuthResponse> {
  const { userId, deviceName } = await completeSecondFactor(ctx, input.mfaToken, input.code);
  const user = await repo.findUserById(ctx.db, userId);
  if (!user) throw unauthorized('The sign-in step has expired or was completed; sign in again');
  return signIn(ctx, user, deviceName);
}

/** The user as the account export shows them (with the time of the last change); null when there is none. */
export async function userForExport(ctx: AppContext, userId: string): Promise<(User & { updatedAt: string | null }) | null> {
  const row = await repo.findUserById(ctx.db, userId);
  return row ? { ...toUser(row), updatedAt: row.updatedAt?.toISOString() ?? null } : null;
}

/** The user's sessions for the account export (no token hashes). */
export const exportUserSessions = (ctx: AppContext, userId: string) => repo.listSessionsForExport(ctx.db, userId);

/** Deletes the user and, by ON DELETE CASCADE, everything of theirs, in one statement. */
export const deleteUserAndData = (ctx: AppContext, userId: string): Promise<void> => ctx.db.transaction(async (tx) => repo.deleteUser(tx, userId));

/** A user by id, for work that runs outside their request (a reply taken over, a background job, the calendar feed). */
export async function findUser(ctx: AppContext, userId: string): Promise<User | undefined> {
  const row = await repo.findUserById(ctx.db, userId);
  return row ? toUser(row) : undefined;
}

/** A completed sign-in (password, second factor or passkey): a session, and a notice when the device is new. */
export async function signIn(ctx: AppContext, user: repo.UserRow, deviceName: string | null): Promise<AuthResponse> {
  const now = ctx.now();
  const known = await repo.listActiveSessions(ctx.db, user.id, now, new Date(now.getTime() - SESSION_IDLE_MS));
  if (!known.some((s) => s.deviceName === deviceName)) sendNotice(ctx, user.email, 'new_sign_in', deviceName ?? 'an unnamed device');
  logEvent(ctx, 'auth.login', { userId: user.id });
  return startSession(ctx, user, deviceName);
}

const sessionUsable = (s: repo.SessionRow, now: Date) =>
  !s.revokedAt && s.expiresAt > now && (s.lastUsedAt?.getTime() ?? 0) > now.getTime() - SESSION_IDLE_MS;

/** How long the token a refresh just replaced may still fetch the same successor (API.md "Auth"). */
export const REFRESH_GRACE_MS = 30_000;

interface SuccessorPair {
  refreshToken: string;
  accessToken: string;
  accessTokenExpiresAt: string;
}

const successorBinding = (userId: string, tokenHash: string) => ({ userId, purpose: 'refresh-successor', rowId: tokenHash });

/**
 * Rotates the refresh token. The replaced token keeps its successor pair,
 * sealed (secret box, bound to the user and to that token's hash), so a
 * client whose answer was lost, or that sent the same refresh twice at once,
 * gets that same pair again: until the successor is used, for at most
 * REFRESH_GRACE_MS. Any other reuse of a replaced token is taken as theft and
 * ends the session.
 */
export async function refresh(ctx: AppContext, refreshToken: string): Promise<AuthResponse> {
  const hash = hashToken(refreshToken);
  const found = await repo.findRefreshToken(ctx.db, hash);
  const now = ctx.now();
  if (!found || !found.session.userId || !sessionUsable(found.session, now)) throw unauthorized('The refresh token is not valid');
  const { session } = found;
  const userId = session.userId!;

  let pair: SuccessorPair | undefined;
  if (!found.token.rotatedAt) {
    const next = newRefreshToken();
    const access = await signAccessToken(ctx.config.jwtSecret, { userId, sessionId: session.id }, now);
    const fresh = { refreshToken: next.token, accessToken: access.token, accessTokenExpiresAt: access.expiresAt.toISOString() };
    const sealed = ctx.secrets.seal(JSON.stringify(fresh), successorBinding(userId, hash));
    const rotated = await ctx.db.transaction(async (tx) => {
      if (!(await repo.markRefreshTokenRotated(tx, hash, now, sealed))) return false;
      await repo.rotateSessionToken(tx, session.id, hash, next.hash, now);
      return true;
    });
    if (rotated) pair = fresh;
  }
  // Already replaced (now or by a request that won the race): the grace, or theft.
  pair ??= await successorInGrace(ctx, hash, now);
  if (!pair) {
    await repo.revokeSession(ctx.db, userId, session.id);
    await publishAuthEvent(ctx, { userId, type: SESSION_REVOKED, data: { sessionId: session.id } });
    logEvent(ctx, 'auth.refresh_reuse', { userId, sessionId: session.id });
    throw unauthorized('This refresh token was already used; the session has been signed out');
  }
  const user = await repo.findUserById(ctx.db, userId);
  if (!user) throw unauthorized('The refresh token is not valid');
  return { user: toUser(user), ...pair };
}

/** The successor pair of a replaced token, while the grace holds: recent, and the successor still the session's token. */
async function successorInGrace(ctx: AppContext, hash: string, now: Date): Promise<SuccessorPair | undefined> {
  const row = await repo.findRefreshToken(ctx.db, hash);
  const { token, session } = row ?? {};
  if (!token?.rotatedAt || !token.successor || !session?.userId || !sessionUsable(session, now)) return undefined;
  // Negative when a parallel request rotated it after this one began: within the grace too.
  if (now.getTime() - token.rotatedAt.getTime() > REFRESH_GRACE_MS) return undefined;
  let pair: SuccessorPair;
  try {
    pair = JSON.parse(ctx.secrets.open(token.successor, successorBinding(session.userId, hash))) as SuccessorPair;
  } catch {
    return undefined;
  }
  // Once the successor itself was exchanged, the session's token moved on.
  return session.token === hashToken(pair.refreshToken) ? pair : undefined;
}

/** The per-request check: a valid JWT whose session still exists, unrevoked and unexpired. */
export async function authenticate(ctx: AppContext, accessToken: string): Promise<AuthInfo | null> {
  const now = ctx.now();
  const claims = await verifyAccessToken(ctx.config.jwtSecret, accessToken, now);
  if (!claims) return null;
  const sessions = ctx.sessions;
  const found = await sessions.find(claims.sessionId, claims.userId);
  if (!found || found.expiresAt <= now || found.lastUsedAt.getTime() <= now.getTime() - SESSION_IDLE_MS) return null;
  await sessions.touch(claims.sessionId, found.lastUsedAt, now);
  return { userId: claims.userId, sessionId: claims.sessionId, user: found.user, kind: 'session', scopes: null, expiresAt: claims.expiresAt };
}

export async function logout(ctx: AppContext, auth: AuthInfo): Promise<void> {
  await repo.revokeSession(ctx.db, auth.userId, auth.sessionId);
  await publishAuthEvent(ctx, { userId: auth.userId, type: SESSION_REVOKED, data: { sessionId: auth.sessionId } });
  logEvent(ctx, 'auth.logout', { userId: auth.userId });
}

export async function updateMe(ctx: AppContext, auth: AuthInfo, input: UpdateMeBody): Promise<User> {
  const timeFormat = input.settings?.timeFormat ?? input.timeFormat;
  const row = await repo.updateUser(ctx.db, auth.userId, {
    ...(input.username !== undefined ? { username: input.username } : {}),
    ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
    ...(input.settings?.memoryExtraction !== undefined ? { memoryExtraction: input.settings.memoryExtraction } : {}),
    ...(input.settings?.briefing !== undefined ? { briefing: input.settings.briefing } : {}),
    ...(timeFormat !== undefined ? { timeFormat } : {}),
  });
  if (!row) throw notFound('User');
  await publishAuthEvent(ctx, { userId: auth.userId, type: USER_UPDATED, data: null });
  return toUser(row);
}

/** Checks a signed-in user's password; a wrong one is a 403, not a 401 (the token is fine). */
export async function requirePassword(ctx: AppContext, userId: string, password: string): Promise<repo.UserRow> {
  const user = await repo.findUserById(ctx.db, userId);
  if (!user?.passwordHash || !(await verifyPassword(ctx, user.passwordHash, password))) {
    throw new HttpError(403, 'invalid_credentials', 'The password is incorrect');
  }
  return user;
}

export async function changePassword(
  ctx: AppContext,
  auth: AuthInfo,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await requirePassword(ctx, auth.userId, input.currentPassword);
  checkNewPassword(input.newPassword, user.email, 'newPassword');
  const passwordHash = await hashPassword(ctx, input.newPassword);
  await signOutOtherSessions(ctx, auth, (tx) => repo.updateUser(tx, auth.userId, { passwordHash }));
  logEvent(ctx, 'auth.password_changed', { userId: auth.userId });
  sendNotice(ctx, user.email, 'password_changed');
}

/** Revokes every session of the user but this one (with `alsoDo` in the same transaction), announced to every instance. */
export async function signOutOtherSessions(ctx: AppContext, auth: AuthInfo, alsoDo?: (tx: DbOrTx) => Promise<unknown>): Promise<void> {
  const others = await repo.listActiveSessions(ctx.db, auth.userId, new Date(0), new Date(0));
  await ctx.db.transaction(async (tx) => {
    await alsoDo?.(tx);
    await repo.revokeOtherSessions(tx, auth.userId, auth.sessionId);
  });
  for (const s of others) {
    if (s.id !== auth.sessionId) await publishAuthEvent(ctx, { userId: auth.userId, type: SESSION_REVOKED, data: { sessionId: s.id } });
  }
}

export async function listSessions(ctx: AppContext, auth: AuthInfo): Promise<Session[]> {
  const now = ctx.now();
  const rows = await repo.listActiveSessions(ctx.db, auth.userId, now, new Date(now.getTime() - SESSION_IDLE_MS));
  return rows.map((s) => ({
    id: s.id,
    deviceName: s.deviceName,
    createdAt: (s.createdAt ?? now).toISOString(),
    lastUsedAt: s.lastUsedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    current: s.id === auth.sessionId,
  }));
}

export async function deleteSession(ctx: AppContext, auth: AuthInfo, sessionId: string): Promise<void> {
  if (!(await repo.revokeSession(ctx.db, auth.userId, sessionId))) throw notFound('Session');
  await publishAuthEvent(ctx, { userId: auth.userId, type: SESSION_REVOKED, data: { sessionId } });
}
