// Account security (API.md "Account security"): personal access tokens,
// two-factor sign-in, password reset and passkeys.
import * as z from 'zod';
import { Email, Password } from './auth.ts';
import { IsoDateTime, Uuid } from './common.ts';

/** What a personal access token may do; everything else is a 403 for it. */
export const Scope = z.enum(['chat', 'mail.read', 'mail.send', 'cal.read', 'cal.write', 'mem.read', 'mem.write']).meta({ id: 'Scope' });
export type Scope = z.infer<typeof Scope>;
export const SCOPES = Scope.options;

/** Prefix of every personal access token, so secret scanners recognise one. */
export const PERSONAL_ACCESS_TOKEN_PREFIX = 'lifeos_pat_';

export const AccessToken = z
  .object({
    id: Uuid,
    name: z.string(),
    scopes: z.array(Scope),
    createdAt: IsoDateTime,
    expiresAt: IsoDateTime.nullable(),
    lastUsedAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'AccessToken' });
export type AccessToken = z.infer<typeof AccessToken>;

export const CreateAccessTokenBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z
      .array(Scope)
      .min(1, 'Give at least one scope')
      .refine((s) => new Set(s).size === s.length, { message: 'A scope is listed twice' })
      .meta({ example: ['chat', 'cal.read'] }),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type CreateAccessTokenBody = z.infer<typeof CreateAccessTokenBody>;

export const AccessTokensResponse = z.object({ tokens: z.array(AccessToken) });
/** `token` is the secret, shown this once. */
export const CreatedAccessTokenResponse = z.object({ token: z.string(), accessToken: AccessToken });

export const ForgotPasswordBody = z.object({ email: Email });
export const ResetPasswordBody = z.object({ token: z.string().min(1).max(200), newPassword: Password });

export const TotpSetupResponse = z.object({ secret: z.string(), otpauthUrl: z.string() });
const Code = z.string().trim().min(1).max(64);
export const TotpCodeBody = z.object({ code: Code });
export const RecoveryCodesResponse = z.object({ recoveryCodes: z.array(z.string()) });
export const DisableTotpBody = z.object({ password: z.string().min(1).max(256), code: Code });
export const LoginMfaBody = z.object({
  mfaToken: z.string().min(1).max(200),
  /** A TOTP code or a recovery code. */
  code: Code,
});

/** Whether two-factor sign-in is on (GET /api/auth/mfa); never the secret or a code. */
export const MfaStatus = z
  .object({
    totpEnabled: z.boolean(),
    enabledAt: IsoDateTime.nullable(),
    /** Unused recovery codes; 0 while TOTP is off. */
    recoveryCodesLeft: z.number().int().min(0),
    /** How many passkeys can sign this user in. */
    passkeys: z.number().int().min(0),
  })
  .meta({ id: 'MfaStatus' });
export type MfaStatus = z.infer<typeof MfaStatus>;

/** 401 body of a login whose password was right while two-factor is on. */
export const MfaRequiredProblem = z.object({ code: z.literal('mfa_required'), mfaToken: z.string() }).passthrough();

export const Passkey = z
  .object({ id: Uuid, name: z.string().nullable(), createdAt: IsoDateTime, lastUsedAt: IsoDateTime.nullable() })
  .meta({ id: 'Passkey' });
export type Passkey = z.infer<typeof Passkey>;
export const PasskeysResponse = z.object({ passkeys: z.array(Passkey) });
/** WebAuthn options for the browser (`@simplewebauthn/browser`), and the ceremony's id to send back. */
export const PasskeyOptionsResponse = z.object({ challengeId: Uuid, options: z.record(z.string(), z.unknown()) });
export const PasskeyRegisterBody = z.object({
  challengeId: Uuid,
  name: z.string().trim().min(1).max(100).optional(),
  response: z.record(z.string(), z.unknown()),
});
export const PasskeyLoginBody = z.object({
  challengeId: Uuid,
  response: z.record(z.string(), z.unknown()),
  deviceName: z.string().trim().min(1).max(100).optional(),
});
