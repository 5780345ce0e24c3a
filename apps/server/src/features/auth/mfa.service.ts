// Two-factor sign-in with TOTP (RFC 6238: SHA-1, 6 digits, 30 s) and ten
// single-use recovery codes. The secret is sealed at rest; recovery codes
// (80 random bits each) are stored as SHA-256 hashes. A code is accepted in
// a ±1 step window and each step once (the last accepted step is kept), so a
// code seen over a shoulder cannot be replayed.
import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { AppContext } from '../../context.ts';
import { HttpError, notFound, unauthorized } from '../../http/errors.ts';
import { logEvent } from '../../lib/events.ts';
import * as repo from './mfa.repo.ts';
import { signOutOtherSessions, type AuthInfo } from './auth.service.ts';
import { sendNotice } from './mailer.ts';
import { hashToken } from './tokens.ts';

export const MFA_TOKEN_TTL_MS = 5 * 60_000;
const RECOVERY_CODES = 10;
const ISSUER = 'LifeOS';
// The mfa_totp row is keyed by its user.
const binding = (userId: string) => ({ userId, purpose: 'mfa:totp', rowId: userId });

const totpFor = (secretBase32: string, label: string) =>
  new OTPAuth.TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secretBase32) });

/** Crockford base32, no look-alikes: 16 characters = 80 bits, shown as xxxx-xxxx-xxxx-xxxx. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function newRecoveryCode(): string {
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => ALPHABET[b & 31]).join('');
  return chars.match(/.{4}/g)!.join('-');
}
const normalizeRecoveryCode = (code: string) => code.replace(/[\s-]/g, '').toUpperCase();
const hashRecoveryCode = (code: string) => hashToken(`lifeos:recovery:${normalizeRecoveryCode(code)}`);

export async function isTotpEnabled(ctx: AppContext, userId: string): Promise<boolean> {
  return Boolean((await repo.findTotp(ctx.db, userId))?.enabledAt);
}

/** The time step of a valid code, or undefined. */
function matchStep(ctx: AppContext, row: repo.TotpRow, userId: string, code: string): number | undefined {
  const digits = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(digits)) return undefined;
  const totp = totpFor(ctx.secrets.open(row.secret, binding(userId)), '');
  const timestamp = ctx.now().getTime();
  const delta = totp.validate({ token: digits, timestamp, window: 1 });
  return delta === null ? undefined : totp.counter({ timestamp }) + delta;
}

/**
 * Checks a TOTP code (each step once) or a recovery code (each code once).
 * False for a wrong, replayed or used code.
 */
async function useCode(ctx: AppContext, row: repo.TotpRow, userId: string, code: string): Promise<boolean> {
  const step = matchStep(ctx, row, userId, code);
  if (step !== undefined) return repo.useTotpStep(ctx.db, userId, step);
  if (/^\d+$/.test(code.trim())) return false;
  return repo.useRecoveryCode(ctx.db, userId, hashRecoveryCode(code), ctx.now());
}

export async function startTotpSetup(ctx: AppContext, auth: AuthInfo): Promise<{ secret: string; otpauthUrl: string }> {
  if (await isTotpEnabled(ctx, auth.userId)) throw new HttpError(409, 'conflict', 'Two-factor sign-in is already on; turn it off first to set up a new device');
  const secret = new OTPAuth.Secret({ size: 20 }).base32;
  await repo.putPendingTotp(ctx.db, auth.userId, ctx.secrets.seal(secret, binding(auth.userId)), ctx.now());
  return { secret, otpauthUrl: totpFor(secret, auth.user.email).toString() };
}

const wrongSetupCode = (message: string) => new HttpError(400, 'validation_failed', `code: ${message}`, { errors: [{ path: 'code', message }] });

export async function confirmTotpSetup(ctx: AppContext, auth: AuthInfo, code: string): Promise<string[]> {
  const row = await repo.findTotp(ctx.db, auth.userId);
  if (!row || row.enabledAt) throw wrongSetupCode(row ? 'Two-factor sign-in is already on' : 'Start the setup first (POST /api/auth/mfa/totp)');
  if (matchStep(ctx, row, auth.userId, code) === undefined) throw wrongSetupCode('The code is not the current one of this secret; check the device’s clock');
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  await ctx.db.transaction(async (tx) => {
    // The setup's code only proves the device has the secret; sign-ins then accept each step once.
    if (!(await repo.enableTotp(tx, auth.userId, ctx.now()))) throw wrongSetupCode('Two-factor sign-in is already on');
    await repo.replaceRecoveryCodes(tx, auth.userId, codes.map(hashRecoveryCode));
  });
  await signOutOtherSessions(ctx, auth);
  logEvent(ctx, 'auth.mfa_enabled', { userId: auth.userId });
  sendNotice(ctx, auth.user.email, 'mfa_enabled');
  return codes;
}

/** After the password was checked (the caller's first line). */
export async function disableTotp(ctx: AppContext, auth: AuthInfo, code: string): Promise<void> {
  const row = await repo.findTotp(ctx.db, auth.userId);
  if (!row?.enabledAt) throw notFound('Two-factor sign-in');
  if (!(await useCode(ctx, row, auth.userId, code))) throw new HttpError(403, 'invalid_credentials', 'The code is incorrect or was used already');
  await repo.deleteTotp(ctx.db, auth.userId);
  await signOutOtherSessions(ctx, auth);
  logEvent(ctx, 'auth.mfa_disabled', { userId: auth.userId });
  sendNotice(ctx, auth.user.email, 'mfa_disabled');
}

/** Login's second step starts: a single-use mfaToken (5 minutes), as a 401 mfa_required. */
export async function requireSecondFactor(ctx: AppContext, userId: string, deviceName: string | null): Promise<never> {
  const token = `mfa_${randomBytes(32).toString('base64url')}`;
  const now = ctx.now();
  await repo.insertChallenge(ctx.db, { tokenHash: hashToken(token), userId, deviceName, expiresAt: new Date(now.getTime() + MFA_TOKEN_TTL_MS), now });
  throw new HttpError(401, 'mfa_required', 'Enter the code from your authenticator app (or a recovery code)', { fields: { mfaToken: token } });
}

/** The user an unused, unexpired mfaToken belongs to (for the per-user limit), or undefined. */
export async function challengeUser(ctx: AppContext, mfaToken: string): Promise<string | undefined> {
  return (await repo.findChallenge(ctx.db, hashToken(mfaToken), ctx.now()))?.userId;
}

/** Completes the login: the right code uses the mfaToken; a wrong one leaves it for another try (the attempts are limited). */
export async function completeSecondFactor(ctx: AppContext, mfaToken: string, code: string): Promise<{ userId: string; deviceName: string | null }> {
  const tokenHash = hashToken(mfaToken);
  const challenge = await repo.findChallenge(ctx.db, tokenHash, ctx.now());
  if (!challenge) throw unauthorized('The sign-in step has expired or was completed; sign in again');
  const row = await repo.findTotp(ctx.db, challenge.userId);
  if (!row?.enabledAt) throw unauthorized('The sign-in step has expired or was completed; sign in again');
  if (!(await useCode(ctx, row, challenge.userId, code))) {
    logEvent(ctx, 'auth.mfa_failed', { userId: challenge.userId });
    throw new HttpError(401, 'invalid_credentials', 'The code is incorrect or was used already');
  }
  if (!(await repo.useChallenge(ctx.db, tokenHash, ctx.now()))) throw unauthorized('The sign-in step has expired or was completed; sign in again');
  return { userId: challenge.userId, deviceName: challenge.deviceName };
}

/** For the account export: on or off, and how many recovery codes are left (never the secret or the codes). */
export async function mfaStatus(ctx: AppContext, userId: string) {
  const row = await repo.findTotp(ctx.db, userId);
  return {
    totpEnabled: Boolean(row?.enabledAt),
    enabledAt: row?.enabledAt?.toISOString() ?? null,
    recoveryCodesLeft: row?.enabledAt ? await repo.countUnusedRecoveryCodes(ctx.db, userId) : 0,
  };
}
