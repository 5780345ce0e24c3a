import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDovecot, type Dovecot } from '../../../test/helpers/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/helpers/smtp-sink.ts';
import { buildMail } from '../../../test/helpers/mail-fixtures.ts';
import { skipWithout } from '../../../test/helpers/system-servers.ts';
import { ImapSmtpMailbox, verifyImapSmtpAccount, type ImapSmtpAccount } from './imap-smtp.client.ts';
import { MailProviderError } from '../mail/mail.types.ts';
import { replySubject, replyThreading } from '../mail/compose.ts';

let dovecot: Dovecot;
let sink: SmtpSink;
let account: ImapSmtpAccount;
const day = 24 * 3600 * 1000;

describe('IMAP/SMTP client against dovecot', { skip: await skipWithout('dovecot') }, () => {
  before(async () => {
  dovecot = await startDovecot();
  sink = await startSmtpSink({ users: [{ user: 'alice@example.test', pass: 'secret' }] });
  account = {
    email: 'alice@example.test',
    displayName: 'Alice',
    // The test servers run on loopback without TLS.
    imap: { host: dovecot.host, port: dovecot.port, secure: false, allowPlaintext: true, user: 'alice@example.test', pass: 'secret' },
    smtp: { host: sink.host, port: sink.port, secure: false, allowPlaintext: true, user: 'alice@example.test', pass: 'secret' },
    hosts: { allowPrivate: true },
  };
  const u = dovecot.users[0]!;
  const now = Date.now();
  await dovecot.deliver(u, await buildMail({ from: 'Old Friend <old@example.org>', subject: 'Long ago', text: 'An old note.', date: new Date(now - 40 * day) }), { flags: ['\\Seen'], date: new Date(now - 40 * day) });
  await dovecot.deliver(u, await buildMail({
    from: 'Hetzner Billing <billing@hetzner.example>',
    subject: 'Your invoice R0012345',
    html: '<html><head><style>p{color:red}</style></head><body><h1>Invoice</h1><p>Dear customer,</p><p>your invoice of <b>EUR 12.40</b> is attached. Pay by 15 December 2026 at <a href="https://accounts.hetzner.example/invoices/R0012345">your account</a>.</p></body></html>',
    attachments: [{ filename: 'R0012345.pdf', content: Buffer.alloc(2048, 1), contentType: 'application/pdf' }],
    date: new Date(now - 2 * day),
  }), { date: new Date(now - 2 * day) });
  await dovecot.deliver(u, await buildMail({
    from: 'Anna Berg <anna@example.net>',
    subject: 'Lease renewal',
    messageId: '<lease-2@example.net>',
    references: ['<lease-1@example.test>'],
    inReplyTo: '<lease-1@example.test>',
    text: 'Hi Alice,\n\nthe landlord sent the new lease. Can you sign it by Friday?\n\nOn Mon, 30 Nov 2026 at 09:00, Alice <alice@example.test> wrote:\n> Any news on the lease?\n> Thanks\n',
    date: new Date(now - 3600 * 1000),
  }), { date: new Date(now - 3600 * 1000) });
  });

  after(async () => {
  await sink?.stop();
  await dovecot?.stop();
  });

  test('when listing unread, then only unread come back newest first with the total', async () => {
  const mb = new ImapSmtpMailbox(account);
  try {
    const list = await mb.list({ unread: true }, 10);
    assert.equal(list.total, 2);
    assert.deepEqual(list.messages.map((m) => m.subject), ['Lease renewal', 'Your invoice R0012345']);
    assert.equal(list.messages[0]!.from.name, 'Anna Berg');
    assert.match(list.messages[0]!.preview, /^Hi Alice, the landlord sent the new lease/);
    assert.doesNotMatch(list.messages[0]!.preview, /Any news/);
    assert.equal(list.messages[1]!.hasAttachments, true);
    const bounded = await mb.list({}, 1);
    assert.equal(bounded.total, 3);
    assert.equal(bounded.messages.length, 1);
  } finally {
    await mb.close();
  }
  });

  test('when searching by sender, text and date, then IMAP SEARCH narrows it', async () => {
  const mb = new ImapSmtpMailbox(account);
  try {
    assert.deepEqual((await mb.list({ from: 'hetzner', text: ['invoice'] }, 10)).messages.map((m) => m.subject), ['Your invoice R0012345']);
    assert.equal((await mb.list({ from: 'hetzner', text: ['invoice', 'nonexistentword'] }, 10)).total, 0);
    const recent = await mb.list({ since: new Date(Date.now() - 7 * day).toISOString() }, 10);
    assert.equal(recent.total, 2);
    const old = await mb.list({ before: new Date(Date.now() - 30 * day).toISOString() }, 10);
    assert.deepEqual(old.messages.map((m) => m.subject), ['Long ago']);
  } finally {
    await mb.close();
  }
  });

  test('when opening an HTML mail, then it reads as text with links and attachments, and stays unread', async () => {
  const mb = new ImapSmtpMailbox(account);
  try {
    const [inv] = (await mb.list({ from: 'hetzner' }, 1)).messages;
    const msg = await mb.get(inv!.id);
    assert.match(msg.text, /your invoice of EUR 12\.40 is attached/);
    assert.match(msg.text, /https:\/\/accounts\.hetzner\.example\/invoices\/R0012345/);
    assert.doesNotMatch(msg.text, /<|color:red/);
    assert.deepEqual(msg.attachments, [{ filename: 'R0012345.pdf', size: 2048, contentType: 'application/pdf' }]);
    assert.equal((await mb.list({ unread: true, from: 'hetzner' }, 1)).total, 1);
  } finally {
    await mb.close();
  }
  });

  test('when opening a reply, then the quoted history is trimmed', async () => {
  const mb = new ImapSmtpMailbox(account);
  try {
    const [m] = (await mb.list({ from: 'anna' }, 1)).messages;
    const msg = await mb.get(m!.id);
    assert.equal(msg.quotedTrimmed, true);
    assert.match(msg.text, /Can you sign it by Friday\?$/);
    assert.deepEqual(msg.references, ['<lease-1@example.test>']);
    assert.equal(msg.messageId, '<lease-2@example.net>');
  } finally {
    await mb.close();
  }
  });

  test('when replying, then the SMTP server receives threading headers and Sent has a copy', async () => {
  const mb = new ImapSmtpMailbox(account);
  try {
    const [m] = (await mb.list({ from: 'anna' }, 1)).messages;
    const original = await mb.get(m!.id);
    const threading = replyThreading(original);
    const before = sink.received.length;
    const sent = await mb.send({
      to: [original.from],
      cc: [],
      subject: replySubject(original.subject),
      text: 'Thanks, Thursday works.',
      ...threading,
    });
    const [got] = (await sink.waitFor(before + 1)).slice(before);
    assert.equal(got!.parsed.messageId, sent.messageId);
    assert.equal(got!.parsed.inReplyTo, '<lease-2@example.net>');
    assert.deepEqual(got!.parsed.references, ['<lease-1@example.test>', '<lease-2@example.net>']);
    assert.equal(got!.parsed.subject, 'Re: Lease renewal');
    assert.deepEqual(got!.envelope, { from: 'alice@example.test', to: ['anna@example.net'] });
    assert.equal(got!.user, 'alice@example.test');
    assert.deepEqual(sent.accepted, ['anna@example.net']);
  } finally {
    await mb.close();
  }
  });

  test('when marking read and archiving, then the server reflects it', async () => {
  const mb = new ImapSmtpMailbox(account);
  try {
    const u = dovecot.users[0]!;
    await dovecot.deliver(u, await buildMail({ from: 'news@example.com', subject: 'Newsletter', text: 'Weekly news.' }));
    const [n] = (await mb.list({ from: 'news@example.com' }, 1)).messages;
    assert.equal(n!.unread, true);
    await mb.markRead(n!.id, true);
    assert.equal((await mb.list({ from: 'news@example.com', unread: true }, 1)).total, 0);
    await mb.archive(n!.id);
    assert.equal((await mb.list({ from: 'news@example.com' }, 1)).total, 0);
    await assert.rejects(mb.get(n!.id), (e: unknown) => e instanceof MailProviderError && e.code === 'not_found');
  } finally {
    await mb.close();
  }
  });

  test('when the password is wrong, then verify fails with the server reason', async () => {
  await assert.rejects(
    verifyImapSmtpAccount({ ...account, imap: { ...account.imap, pass: 'wrong' } }),
    (e: unknown) => e instanceof MailProviderError && e.code === 'auth_failed' && /Authentication failed/i.test(e.message),
  );
  await assert.rejects(
    verifyImapSmtpAccount({ ...account, smtp: { ...account.smtp, pass: 'wrong' } }),
    (e: unknown) => e instanceof MailProviderError && e.code === 'auth_failed' && /SMTP login failed: 535/.test(e.message),
  );
  await assert.rejects(
    verifyImapSmtpAccount({ ...account, imap: { ...account.imap, port: 1 } }),
    (e: unknown) => e instanceof MailProviderError && e.code === 'connection_failed' && /refused/.test(e.message),
  );
  await verifyImapSmtpAccount(account);
  });
});

test('when a server offers no TLS and plaintext was not chosen for it, then the login is refused before the password is sent', async () => {
  const { allowPlaintext: _imap, ...imapStrict } = account.imap;
  const { allowPlaintext: _smtp, ...smtpStrict } = account.smtp;
  await assert.rejects(
    verifyImapSmtpAccount({ ...account, imap: imapStrict }),
    (e: unknown) => e instanceof MailProviderError && e.code === 'connection_failed' && /^IMAP server .* offers no TLS/.test(e.message),
  );
  const before = sink.received.length;
  await assert.rejects(
    verifyImapSmtpAccount({ ...account, smtp: smtpStrict }),
    (e: unknown) => e instanceof MailProviderError && e.code === 'connection_failed' && /^SMTP server .* did not start TLS .*allowPlaintext: true/.test(e.message),
  );
  const mb = new ImapSmtpMailbox({ ...account, smtp: smtpStrict });
  try {
    await assert.rejects(mb.send({ to: [{ name: '', address: 'bob@example.test' }], cc: [], subject: 'Hi', text: 'Hello' }), MailProviderError);
  } finally {
    await mb.close();
  }
  assert.equal(sink.received.length, before);
});
