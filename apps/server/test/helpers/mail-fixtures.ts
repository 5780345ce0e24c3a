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
