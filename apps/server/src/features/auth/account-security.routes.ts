// Account security routes (API.md "Account security"): password reset by
// mail, two-factor sign-in with TOTP, and login's second step. Personal
// access tokens: access-tokens.routes.ts; passkeys: passkeys.routes.ts.
import {
  AuthResponse,
  DisableTotpBody,
  ForgotPasswordBody,
  LoginMfaBody,
  MfaStatus,
  RecoveryCodesResponse,
  ResetPasswordBody,
  TotpCodeBody,
  TotpSetupResponse,
} from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import { securityStatus } from './account-security.export.ts';
import { forgotPasswordLimits, reenteredSecretLimits, resetPasswordLimits, secondFactorLimits } from './auth.limits.ts';
import { loginWithSecondFactor, requirePassword } from './auth.service.ts';
import { confirmTotpSetup, disableTotp, startTotpSetup } from './mfa.service.ts';
import { requestPasswordReset, resetPassword } from './password-reset.service.ts';

const tag = 'Auth';

export function registerAccountSecurityRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'post',
      path: '/api/auth/password/forgot',
      tag,
      summary: 'Mail a password-reset link (the same answer for any email)',
      description: 'The link (`APP_URL/reset?token=…`) works once, for 30 minutes. 503 when the server has no outgoing mail (SMTP_URL).',
      auth: false,
      body: ForgotPasswordBody,
      before: forgotPasswordLimits(ctx),
      responses: { 202: null },
      errors: [429, 503],
    },
    ({ body }) => {
      requestPasswordReset(ctx, body.email);
      return { status: 202 };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/password/reset',
      tag,
      summary: 'Set a new password with a reset link’s token; every session is signed out',
      auth: false,
      body: ResetPasswordBody,
      before: resetPasswordLimits(ctx),
      responses: { 204: null },
      errors: [429, 503],
    },
    async ({ body }) => {
      await resetPassword(ctx, body.token, body.newPassword);
      return { status: 204 };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/auth/mfa',
      tag,
      summary: 'Whether two-factor sign-in is on, the recovery codes left and how many passkeys the account has',
      responses: { 200: MfaStatus },
      errors: [403],
    },
    async ({ auth }) => ({ status: 200, body: await securityStatus(ctx, auth.userId) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/mfa/totp',
      tag,
      summary: 'Start setting up two-factor sign-in: a new TOTP secret (not active until verified)',
      responses: { 200: TotpSetupResponse },
      errors: [403, 409],
    },
    async ({ auth }) => ({ status: 200, body: await startTotpSetup(ctx, auth) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/mfa/totp/verify',
      tag,
      summary: 'Turn two-factor sign-in on with a current code; returns 10 single-use recovery codes (shown once)',
      description: 'Every other session of the user is signed out.',
      body: TotpCodeBody,
      before: reenteredSecretLimits(ctx, 'code'),
      responses: { 200: RecoveryCodesResponse },
      errors: [403],
    },
    async ({ auth, body }) => ({ status: 200, body: { recoveryCodes: await confirmTotpSetup(ctx, auth, body.code) } }),
  );

  api.route(
    {
      method: 'delete',
      path: '/api/auth/mfa/totp',
      tag,
      summary: 'Turn two-factor sign-in off (password and a current or recovery code)',
      body: DisableTotpBody,
      before: reenteredSecretLimits(ctx, 'password'),
      responses: { 204: null },
      errors: [403, 404, 503],
    },
    async ({ auth, body }) => {
      await requirePassword(ctx, auth.userId, body.password);
      await disableTotp(ctx, auth, body.code);
      return { status: 204 };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/login/mfa',
      tag,
      summary: 'Login’s second step: the mfaToken of `mfa_required` and a TOTP or recovery code',
      description: 'The mfaToken is single use and lasts 5 minutes; wrong codes are limited like passwords.',
      auth: false,
      body: LoginMfaBody,
      before: secondFactorLimits(ctx),
      responses: { 200: AuthResponse },
      errors: [401, 429],
    },
    async ({ body }) => ({ status: 200, body: await loginWithSecondFactor(ctx, body) }),
  );
}
