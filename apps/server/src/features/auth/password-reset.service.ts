// Password reset by mail: a single-use link (256 random bits, only the hash
// stored, 30 minutes) to APP_URL/reset?token=…; using it sets the new
// password (the same policy as everywhere), revokes every session and every
// other reset link of the user, and sends a notice.
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { HttpError } from '../../http/errors.ts';
import { logEvent } from '../../lib/events.ts';
import * as repo from './auth.repo.ts';
import { appUrl, mailConfigured, sendMail, sendNotice } from './mailer.ts';
import { checkNewPassword } from './password-policy.ts';
import { hashPassword } from './passwords.ts';
import * as resets from './password-reset.repo.ts';
import { SESSION_REVOKED, publishAuthEvent } from './session-cache.ts';
import { hashToken } from './tokens.ts';

export const RESET_TTL_MS = 30 * 60_000;

async function newResetLink(ctx: AppContext, userId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const now = ctx.now();
  await resets.insertResetToken(ctx.db, { tokenHash: hashToken(token), userId, expiresAt: new Date(now.getTime() + RESET_TTL_MS), now });
  return `${appUrl(ctx)}/reset?token=${token}`;
}

/**
 * 202 for any email: the lookup and the mail happen after the answer, so
 * neither the status nor the time tells whether the account exists.
 */
export function requestPasswordReset(ctx: AppContext, email: string): void {
  if (!mailConfigured(ctx)) throw new HttpError(503, 'service_unavailable', 'This server cannot send mail; ask its administrator to reset your password');
  void (async () => {
    const user = await repo.findUserByEmail(ctx.db, email);
    if (!user) return;
    const link = await newResetLink(ctx, user.id);
    await sendMail(
      ctx,
      user.email,
      'Reset your LifeOS password',
      `Someone asked to reset the password of your LifeOS account.\n\nTo choose a new password, open this link within 30 minutes (it works once):\n${link}\n\nIf this was not you, ignore this mail; your password stays as it is.\n`,
    );
    logEvent(ctx, 'auth.password_reset_requested', { userId: user.id });
  })().catch((err: unknown) => logEvent(ctx, 'mail.notice_failed', { notice: 'password_reset', reason: (err as Error).message }));
}

/** For `npm run user -- reset-password <email>`: a link without mail; undefined when no such account. */
export async function createResetLink(ctx: AppContext, email: string): Promise<string | undefined> {
  const user = await repo.findUserByEmail(ctx.db, email);
  return user ? newResetLink(ctx, user.id) : undefined;
}

const badToken = () =>
  new HttpError(400, 'validation_failed', 'token: This reset link is unknown, used or expired; ask for a new one', {
    errors: [{ path: 'token', message: 'This reset link is unknown, used or expired' }],
  });

export async function resetPassword(ctx: AppContext, token: string, newPassword: string): Promise<void> {
  const tokenHash = hashToken(token);
  const now = ctx.now();
  const pending = await resets.findUsableResetToken(ctx.db, tokenHash, now);
  const user = pending && (await repo.findUserById(ctx.db, pending.userId));
  if (!user) throw badToken();
  // A weak password leaves the link usable for a better one.
  checkNewPassword(newPassword, user.email, 'newPassword');
  const passwordHash = await hashPassword(ctx, newPassword);
  await ctx.db.transaction(async (tx) => {
    if ((await resets.useResetToken(tx, tokenHash, now)) !== user.id) throw badToken();
    await repo.updateUser(tx, user.id, { passwordHash });
    await resets.deleteResetTokens(tx, user.id);
    await repo.revokeAllSessions(tx, user.id);
  });
  await publishAuthEvent(ctx, { userId: user.id, type: SESSION_REVOKED, data: { sessionId: '*' } });
  logEvent(ctx, 'auth.password_reset', { userId: user.id });
  sendNotice(ctx, user.email, 'password_changed');
}
