// Who may register (REGISTRATION=open|invite|closed). The first user of a
// fresh server always may, so a new install is usable; after that `closed`
// refuses everyone and `invite` needs a single-use code from
// `npm run user -- invite`.
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { DbOrTx } from '../../db/client.ts';
import { HttpError } from '../../http/errors.ts';
import * as repo from './invites.repo.ts';
import { hashToken } from './tokens.ts';

export const INVITE_DAYS_DEFAULT = 7;

const closed = () => new HttpError(403, 'forbidden', 'Registration is closed on this server');
const badInvite = () => new HttpError(403, 'forbidden', 'An invite code is needed to register here, and this one is unknown, used or expired');

/** A cheap check before any password is hashed: refuses what is refused for sure. */
export async function precheckRegistration(ctx: AppContext, inviteCode: string | undefined): Promise<void> {
  if (ctx.config.registration === 'open' || !(await repo.hasAnyUser(ctx.db))) return;
  if (ctx.config.registration === 'closed') throw closed();
  if (!inviteCode) throw badInvite();
}

/**
 * Inside the registration's transaction: allows it or throws a 403, using the
 * invite. Returns the invite's id to link to the new user.
 */
export async function admitRegistration(ctx: AppContext, tx: DbOrTx, inviteCode: string | undefined): Promise<string | undefined> {
  if (ctx.config.registration === 'open') return undefined;
  await repo.lockRegistrations(tx);
  if (!(await repo.hasAnyUser(tx))) return undefined;
  if (ctx.config.registration === 'closed') throw closed();
  const id = inviteCode ? await repo.useInvite(tx, hashToken(inviteCode.trim()), ctx.now()) : undefined;
  if (!id) throw badInvite();
  return id;
}

export const linkInvite = (tx: DbOrTx, inviteId: string, userId: string) => repo.setInviteUser(tx, inviteId, userId);

/** A new single-use invite code (only its hash is stored). */
export async function createInvite(ctx: AppContext, days = INVITE_DAYS_DEFAULT): Promise<{ code: string; expiresAt: Date }> {
  const code = randomBytes(18).toString('base64url');
  const expiresAt = new Date(ctx.now().getTime() + days * 24 * 3600 * 1000);
  await repo.insertInvite(ctx.db, hashToken(code), expiresAt);
  return { code, expiresAt };
}
