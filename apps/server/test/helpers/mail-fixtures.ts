import MailComposer from 'nodemailer/lib/mail-composer';

export interface FixtureMail {
  from: string;
  to?: string;
  subject: string;
  text?: string;
  html?: string;
  date?: Date;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  attachments?: { filename: string; content: string | Buffer; contentType?: string }[];
}

/** A raw RFC 5322 message built the way a real mail client would. */
export async function buildMail(m: FixtureMail): Promise<Buffer> {
  return new MailComposer({
    from: m.from,
    to: m.to ?? 'Alice <alice@example.test>',
    subject: m.subject,
    text: m.text,
    html: m.html,
    date: m.date ?? new Date(),
    messageId: m.messageId,
    inReplyTo: m.inReplyTo,
    references: m.references,
    attachments: m.attachments,
  })
    .compile()
    .build();
}

/**
 * The body of `POST /api/connections/imap` for a mailbox on the test servers: they offer no
 * TLS, so plaintext is the user's explicit choice (`allowPlaintext`).
 */
export function imapConnectionBody(
  servers: { dovecot: { host: string; port: number }; sink: { host: string; port: number } },
  user: { email: string; password: string },
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    email: user.email,
    imapHost: servers.dovecot.host,
    imapPort: servers.dovecot.port,
    imapSecure: false,
    smtpHost: servers.sink.host,
    smtpPort: servers.sink.port,
    smtpSecure: false,
    allowPlaintext: true,
    username: user.email,
    password: user.password,
    ...over,
  };
}
