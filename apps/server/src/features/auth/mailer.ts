// The server's own outgoing mail (SMTP_URL, MAIL_FROM): password resets and
// security notices, plain text, never a secret other than a reset link.
// `smtp://` must upgrade with STARTTLS, `smtps://` is TLS from the start,
// `smtp+insecure://` is plain (a relay on a trusted LAN).
import nodemailer, { type Transporter } from 'nodemailer';
import type { AppContext } from '../../context.ts';
import { logEvent } from '../../lib/events.ts';

/** The relay of SMTP_URL (nothing connects until the first send); made once per server in bootstrap.ts. */
export function createMailTransport(mail: { url: string }): Transporter {
  const url = new URL(mail.url);
  const secure = url.protocol === 'smtps:';
  const insecure = url.protocol === 'smtp+insecure:';
  return nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure && !insecure,
    ignoreTLS: insecure,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
}

export const mailConfigured = (ctx: AppContext) => Boolean(ctx.config.mail);

/** Sends one plain-text mail; throws when it could not be handed to the relay. */
export async function sendMail(ctx: AppContext, to: string, subject: string, text: string): Promise<void> {
  const t = ctx.config.mail ? ctx.mailer : undefined;
  if (!t) return;
  await t.sendMail({ from: ctx.config.mail!.from, to, subject, text });
}

/** The public URL links in mail point to. */
export const appUrl = (ctx: AppContext) => (ctx.config.appUrl ?? `http://localhost:${ctx.config.port}`).replace(/\/+$/, '');

export type Notice = 'new_sign_in' | 'password_changed' | 'mfa_enabled' | 'mfa_disabled';

const NOTICES: Record<Notice, { subject: string; body: (detail: string) => string }> = {
  new_sign_in: {
    subject: 'A new device signed in to LifeOS',
    body: (device) => `Your LifeOS account was just signed in to from a new device (${device}).\n\nIf this was not you, change your password and sign out the devices you do not know under Account > Sessions.`,
  },
  password_changed: {
    subject: 'Your LifeOS password was changed',
    body: () => 'The password of your LifeOS account was just changed, and other devices were signed out.\n\nIf this was not you, reset your password at once.',
  },
  mfa_enabled: {
    subject: 'Two-factor sign-in is on for LifeOS',
    body: () => 'Two-factor sign-in was just turned on for your LifeOS account, and other devices were signed out.\n\nIf this was not you, reset your password at once.',
  },
  mfa_disabled: {
    subject: 'Two-factor sign-in was turned off for LifeOS',
    body: () => 'Two-factor sign-in was just turned off for your LifeOS account, and other devices were signed out.\n\nIf this was not you, reset your password and turn it on again.',
  },
};

/** A security notice, sent in the background: a mail relay that is slow or down never holds up the request. */
export function sendNotice(ctx: AppContext, to: string, notice: Notice, detail = ''): void {
  if (!mailConfigured(ctx)) return;
  const { subject, body } = NOTICES[notice];
  const text = `${body(detail)}\n\n${appUrl(ctx)}\n`;
  void sendMail(ctx, to, subject, text).catch((err: unknown) => {
    logEvent(ctx, 'mail.notice_failed', { notice, reason: (err as Error).message });
  });
}
