import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
  envelope: { from: string | null; to: string[] };
  /** Who logged in to send it (null without auth). */
  user: string | null;
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpSink {
  host: string;
  port: number;
  received: ReceivedMail[];
  /** Resolves once at least `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 that accepts everything for the given users
 * (or anyone when no users are given) and records envelope and raw message.
 */
export async function startSmtpSink(opts: { users?: { user: string; pass: string }[] } = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const notify = () => {
    for (const w of [...waiters]) {
      if (received.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const users = opts.users;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: !users,
    allowInsecureAuth: true,
    logger: false,
    // No DNS on this machine's loopback tests.
    disableReverseLookup: true,
    onAuth(auth, _session, cb) {
      const ok = users?.some((u) => u.user === auth.username && u.pass === auth.password);
      if (!ok) return cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      cb(null, { user: auth.username });
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = await simpleParser(raw);
        const from = session.envelope.mailFrom;
        received.push({
          envelope: {
            from: from ? from.address : null,
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          user: typeof session.user === 'string' ? session.user : null,
          raw,
          parsed,
        });
        notify();
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('smtp sink has no port');
  return {
    host: '127.0.0.1',
    port: addr.port,
    received,
    waitFor(count, timeoutMs = 5000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} mails arrived`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
