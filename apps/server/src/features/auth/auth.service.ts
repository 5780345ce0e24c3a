import type { AuthResponse, RegisterBody, Session, TimeFormat, UpdateMeBody, User } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import { HttpError, notFound, unauthorized } from '../../http/errors.ts';
import { logEvent } from '../../lib/events.ts';
import * as repo from './auth.repo.ts';
import { hashPassword, isCommonPassword, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { SESSION_REVOKED, USER_UPDATED, publishAuthEvent, sessionCache } from './session-cache.ts';
import { hashToken, newRefreshToken, signAccessToken, verifyAccessToken } from './tokens.ts';

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
export const SESSION_IDLE_MS = 14 * 24 * 3600 * 1000;

export interface AuthInfo {
  userId: string;
  sessionId: string;
  user: User;
}

export function toUser(row: repo.UserRow): User {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    timezone: row.timezone,
    createdAt: (row.createdAt ?? new Date(0)).toISOString(),
    settings: { memoryExtraction: row.memoryExtraction, timeFormat: row.timeFormat === '12h' ? '12h' : '24h' },
  };
}

function rejectCommonPassword(password: string, field: string): void {
  if (isCommonPassword(password)) {
    const message = 'This password is too common; choose one that is harder to guess';
    throw new HttpError(400, 'validation_failed', `${field}: ${message}`, { errors: [{ path: field, message }] });
  }
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
  rejectCommonPassword(input.password, 'password');
  const user = await repo.insertUser(ctx.db, {
    email: input.email,
    passwordHash: await hashPassword(input.password),
    username: input.username ?? null,
    timezone: input.timezone ?? 'UTC',
    timeFormat: input.settings?.timeFormat ?? input.timeFormat ?? timeFormatOfLocale(acceptLanguage),
  });
  if (!user) throw new HttpError(409, 'email_taken', 'An account with this email already exists');
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
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyAgainstDummy(input.password);
  if (!user || !ok) {
    logEvent(ctx, 'auth.login_failed', {});
    throw INVALID_LOGIN();
  }
  logEvent(ctx, 'auth.login', { userId: user.id });
  return startSession(ctx, user, input.deviceName ?? null);
}

const sessionUsable = (s: repo.SessionRow, now: Date) =>
  !s.revokedAt && s.expiresAt > now && (s.lastUsedAt?.getTime() ?? 0) > now.getTime() - SESSION_IDLE_MS;

export async function refresh(ctx: AppContext, refreshToken: string): Promise<AuthResponse> {
  const hash = hashToken(refreshToken);
  const found = await repo.findRefreshToken(ctx.db, hash);
  const now = ctx.now();
  if (!found || !found.session.userId || !sessionUsable(found.session, now)) throw unauthorized('The refresh token is not valid');
  const { session } = found;
  const userId = session.userId!;

  const next = newRefreshToken();
  const rotated = await ctx.db.transaction(async (tx) => {
    if (!(await repo.markRefreshTokenRotated(tx, hash))) return false;
    await repo.rotateSessionToken(tx, session.id, next.hash, now);
    return true;
  });
  if (!rotated) {
    // A refresh token that was already exchanged is being replayed: assume it was stolen.
    await repo.revokeSession(ctx.db, userId, session.id);
    await publishAuthEvent(ctx, { userId, type: SESSION_REVOKED, data: { sessionId: session.id } });
    logEvent(ctx, 'auth.refresh_reuse', { userId, sessionId: session.id });
    throw unauthorized('This refresh token was already used; the session has been signed out');
  }
  const user = await repo.findUserById(ctx.db, userId);
  if (!user) throw unauthorized('The refresh token is not valid');
  const access = await signAccessToken(ctx.config.jwtSecret, { userId, sessionId: session.id }, now);
  return {
    user: toUser(user),
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    refreshToken: next.token,
  };
}

/** The per-request check: a valid JWT whose session still exists, unrevoked and unexpired. */
export async function authenticate(ctx: AppContext, accessToken: string): Promise<AuthInfo | null> {
  const now = ctx.now();
  const claims = await verifyAccessToken(ctx.config.jwtSecret, accessToken, now);
  if (!claims) return null;
  const sessions = sessionCache(ctx, toUser);
  const found = await sessions.find(claims.sessionId, claims.userId);
  if (!found || found.expiresAt <= now || found.lastUsedAt.getTime() <= now.getTime() - SESSION_IDLE_MS) return null;
  await sessions.touch(claims.sessionId, found.lastUsedAt, now);
  return { userId: claims.userId, sessionId: claims.sessionId, user: found.user };
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
    ...(timeFormat !== undefined ? { timeFormat } : {}),
  });
  if (!row) throw notFound('User');
  await publishAuthEvent(ctx, { userId: auth.userId, type: USER_UPDATED, data: null });
  return toUser(row);
}

/** Checks a signed-in user's password; a wrong one is a 403, not a 401 (the token is fine). */
export async function requirePassword(ctx: AppContext, userId: string, password: string): Promise<repo.UserRow> {
  const user = await repo.findUserById(ctx.db, userId);
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, password))) {
    throw new HttpError(403, 'invalid_credentials', 'The password is incorrect');
  }
  return user;
}

export async function changePassword(
  ctx: AppContext,
  auth: AuthInfo,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  await requirePassword(ctx, auth.userId, input.currentPassword);
  rejectCommonPassword(input.newPassword, 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  const others = await repo.listActiveSessions(ctx.db, auth.userId, new Date(0), new Date(0));
  await ctx.db.transaction(async (tx) => {
    await repo.updateUser(tx, auth.userId, { passwordHash });
    await repo.revokeOtherSessions(tx, auth.userId, auth.sessionId);
  });
  for (const s of others) {
    if (s.id !== auth.sessionId) await publishAuthEvent(ctx, { userId: auth.userId, type: SESSION_REVOKED, data: { sessionId: s.id } });
  }
  logEvent(ctx, 'auth.password_changed', { userId: auth.userId });
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
