// Passkeys (WebAuthn) with @simplewebauthn/server: register one or more from
// a signed-in session, sign in with one instead of a password (discoverable
// credentials: the browser offers the user's passkeys, no email typed), list
// and remove them. The RP ID and origin come from APP_URL. Each ceremony's
// challenge is stored for 5 minutes and taken once.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AuthResponse, Passkey } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import { HttpError, notFound } from '../../http/errors.ts';
import { logEvent } from '../../lib/events.ts';
import * as users from './auth.repo.ts';
import { signIn, type AuthInfo } from './auth.service.ts';
import { appUrl } from './mailer.ts';
import * as repo from './passkeys.repo.ts';

const CHALLENGE_TTL_MS = 5 * 60_000;
const RP_NAME = 'LifeOS';

const relyingParty = (ctx: AppContext) => {
  const url = new URL(appUrl(ctx));
  return { rpID: url.hostname, origin: url.origin };
};

const toPasskey = (row: repo.PasskeyRow): Passkey => ({
  id: row.id,
  name: row.name,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

const uuidBytes = (uuid: string) => new Uint8Array(Buffer.from(uuid.replace(/-/g, ''), 'hex'));
const uuidFromBase64Url = (value: string) => {
  const hex = Buffer.from(value, 'base64url').toString('hex');
  return hex.length === 32 ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : undefined;
};

const badCeremony = (detail: string) =>
  new HttpError(400, 'validation_failed', `response: ${detail}`, { errors: [{ path: 'response', message: detail }] });
const signInFailed = () => new HttpError(401, 'invalid_credentials', 'This passkey could not sign you in');

export async function startPasskeyRegistration(ctx: AppContext, auth: AuthInfo): Promise<{ challengeId: string; options: Record<string, unknown> }> {
  const { rpID } = relyingParty(ctx);
  const existing = await repo.listPasskeys(ctx.db, auth.userId);
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID,
    userName: auth.user.email,
    userID: uuidBytes(auth.userId),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, ...(p.transports ? { transports: p.transports as AuthenticatorTransport[] } : {}) })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
  const now = ctx.now();
  const challengeId = await repo.insertChallenge(ctx.db, { userId: auth.userId, kind: 'register', challenge: options.challenge, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS), now });
  return { challengeId, options: options as unknown as Record<string, unknown> };
}

export async function finishPasskeyRegistration(
  ctx: AppContext,
  auth: AuthInfo,
  input: { challengeId: string; name?: string | undefined; response: Record<string, unknown> },
): Promise<Passkey> {
  const expectedChallenge = await repo.takeChallenge(ctx.db, input.challengeId, 'register', auth.userId, ctx.now());
  if (!expectedChallenge) throw badCeremony('This registration expired or was completed; start again');
  const { rpID, origin } = relyingParty(ctx);
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response as unknown as RegistrationResponseJSON,
      expectedChallenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    });
  } catch (err) {
    throw badCeremony(`The passkey could not be verified (${(err as Error).message})`);
  }
  if (!verification.verified) throw badCeremony('The passkey could not be verified');
  const { credential } = verification.registrationInfo;
  if (await repo.findPasskeyByCredentialId(ctx.db, credential.id)) {
    throw new HttpError(409, 'conflict', 'This passkey is registered already');
  }
  const row = await repo.insertPasskey(ctx.db, {
    userId: auth.userId,
    credentialId: credential.id,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    transports: credential.transports ?? null,
    name: input.name ?? null,
    now: ctx.now(),
  });
  logEvent(ctx, 'auth.passkey_added', { userId: auth.userId, passkeyId: row.id });
  return toPasskey(row);
}

export async function listPasskeys(ctx: AppContext, userId: string): Promise<Passkey[]> {
  return (await repo.listPasskeys(ctx.db, userId)).map(toPasskey);
}

export async function removePasskey(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  if (!(await repo.deletePasskey(ctx.db, auth.userId, id))) throw notFound('Passkey');
  logEvent(ctx, 'auth.passkey_removed', { userId: auth.userId, passkeyId: id });
}

export async function startPasskeySignIn(ctx: AppContext): Promise<{ challengeId: string; options: Record<string, unknown> }> {
  const { rpID } = relyingParty(ctx);
  const options = await generateAuthenticationOptions({ rpID, userVerification: 'preferred' });
  const now = ctx.now();
  const challengeId = await repo.insertChallenge(ctx.db, { userId: null, kind: 'login', challenge: options.challenge, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS), now });
  return { challengeId, options: options as unknown as Record<string, unknown> };
}

export async function finishPasskeySignIn(
  ctx: AppContext,
  input: { challengeId: string; response: Record<string, unknown>; deviceName?: string | undefined },
): Promise<AuthResponse> {
  const expectedChallenge = await repo.takeChallenge(ctx.db, input.challengeId, 'login', null, ctx.now());
  if (!expectedChallenge) throw signInFailed();
  const response = input.response as unknown as AuthenticationResponseJSON;
  const passkey = typeof response.id === 'string' ? await repo.findPasskeyByCredentialId(ctx.db, response.id) : undefined;
  if (!passkey) throw signInFailed();
  // A discoverable credential names its user: it must be the passkey's owner.
  const userHandle = response.response?.userHandle;
  if (userHandle && uuidFromBase64Url(userHandle) !== passkey.userId) throw signInFailed();
  const { rpID, origin } = relyingParty(ctx);
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
        counter: passkey.counter,
        ...(passkey.transports ? { transports: passkey.transports as AuthenticatorTransport[] } : {}),
      },
    });
  } catch {
    throw signInFailed();
  }
  if (!verification.verified) throw signInFailed();
  if (!(await repo.usePasskey(ctx.db, passkey.id, passkey.counter, verification.authenticationInfo.newCounter, ctx.now()))) throw signInFailed();
  const user = await users.findUserById(ctx.db, passkey.userId);
  if (!user) throw signInFailed();
  return signIn(ctx, user, input.deviceName ?? null);
}
