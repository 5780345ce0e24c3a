import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOAuthServer, type OAuthTestServer } from '../../../test/helpers/oauth-server.ts';
import { startFakeGmail, type FakeGmail } from '../../../test/helpers/fake-gmail.ts';
import { buildMail } from '../../../test/helpers/mail-fixtures.ts';
import { buildConsentUrl, createPkce, exchangeCode, GoogleTokenManager, type GoogleOAuthConfig, type GoogleTokens } from '../../features/connections/google-oauth.ts';
import { GmailMailbox, toGmailQuery } from './gmail.client.ts';
import { MailProviderError } from '../mail/mail.types.ts';
import { replySubject, replyThreading } from '../mail/compose.ts';

let oauth: OAuthTestServer;
let fake: FakeGmail;
let mailbox: GmailMailbox;
let saved: GoogleTokens;
const day = 86_400_000;

before(async () => {
  oauth = await startOAuthServer();
  fake = await startFakeGmail({ account: 'alice@gmail.example', verifyToken: (t) => oauth.verifyAccessToken(t) });
  const cfg: GoogleOAuthConfig = {
    clientId: 'c',
    clientSecret: 's',
    redirectUri: 'http://127.0.0.1:9/cb',
    authUrl: oauth.authUrl,
    tokenUrl: oauth.tokenUrl,
    scopes: ['https://www.googleapis.com/auth/gmail.modify'],
  };
  const pkce = createPkce();
  const res = await fetch(buildConsentUrl(cfg, { state: 'x', codeChallenge: pkce.challenge }), { redirect: 'manual' });
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  saved = await exchangeCode(cfg, code, pkce.verifier);
  const manager = new GoogleTokenManager(cfg, {
    load: async () => saved,
    save: async (_id, t) => void (saved = t),
    markError: async () => {},
  });
  mailbox = new GmailMailbox({
    account: 'alice@gmail.example',
    displayName: 'Alice',
    rootUrl: fake.rootUrl,
    getAccessToken: (o) => manager.getAccessToken('g1', o),
  });
  const now = Date.now();
  await fake.insert(await buildMail({ from: 'Old <old@example.org>', to: 'alice@gmail.example', subject: 'Long ago', text: 'Old.' }), { labelIds: ['INBOX'], internalDate: new Date(now - 40 * day) });
  await fake.insert(
    await buildMail({
      from: 'Bank <statements@bank.example>',
      to: 'alice@gmail.example',
      subject: 'Your statement for November',
      html: '<p>Your statement is ready. Balance: <b>EUR 1,204.00</b>.</p>',
      attachments: [{ filename: 'statement-11.pdf', content: Buffer.alloc(5000, 2), contentType: 'application/pdf' }],
    }),
    { internalDate: new Date(now - 2 * day) },
  );
  await fake.insert(
    await buildMail({
      from: 'Anna Berg <anna@example.net>',
      to: 'alice@gmail.example',
      subject: 'Lease renewal',
      messageId: '<lease-2@example.net>',
      references: ['<lease-1@gmail.example>'],
      text: 'Can you sign it by Friday?\n\nOn Mon, 30 Nov 2026 at 09:00, Alice wrote:\n> Any news?',
    }),
    { internalDate: new Date(now - 3600_000), threadId: 'thread-lease' },
  );
});

after(async () => {
  await fake?.stop();
  await oauth?.stop();
});

test('when building a Gmail query, then structured terms become Gmail syntax and raw passes through', () => {
  assert.equal(toGmailQuery({ from: 'Anna Berg', unread: true, text: ['lease'], since: '2026-11-01T00:00:00.000Z' }), 'from:"Anna Berg" is:unread after:1793491200 lease');
  assert.equal(toGmailQuery({ raw: 'from:bank subject:statement', from: 'bank' }), 'from:bank subject:statement');
});

test('when listing unread over the Gmail API, then newest first with the estimate as total', async () => {
  const list = await mailbox.list({ unread: true }, 10);
  assert.equal(list.total, 2);
  assert.deepEqual(list.messages.map((m) => m.subject), ['Lease renewal', 'Your statement for November']);
  assert.equal(list.messages[1]!.hasAttachments, true);
  assert.equal(list.messages[0]!.preview, 'Can you sign it by Friday?');
  const listCall = fake.requests.find((r) => r.url.startsWith('/gmail/v1/users/me/messages?'))!;
  assert.match(listCall.url, /q=is%3Aunread/);
  assert.match(listCall.url, /labelIds=INBOX/);
});

test('when the user types Gmail syntax, then it reaches Gmail unchanged', async () => {
  const list = await mailbox.list({ raw: 'from:bank subject:statement', from: 'bank', subject: ['statement'] }, 10);
  assert.deepEqual(list.messages.map((m) => m.subject), ['Your statement for November']);
  assert.ok(fake.requests.some((r) => r.url.includes('q=from%3Abank%20subject%3Astatement') || r.url.includes('q=from%3Abank+subject%3Astatement')));
});

test('when reading a message, then the HTML body becomes text and attachments are listed', async () => {
  const [m] = (await mailbox.list({ from: 'bank' }, 1)).messages;
  const msg = await mailbox.get(m!.id);
  assert.equal(msg.text, 'Your statement is ready. Balance: EUR 1,204.00.');
  assert.deepEqual(msg.attachments, [{ filename: 'statement-11.pdf', size: 5000, contentType: 'application/pdf' }]);
  assert.match(await mailbox.getRaw(m!.id), /Subject: Your statement for November/);
});

test('when marking read and archiving, then Gmail labels change', async () => {
  const [m] = (await mailbox.list({ from: 'bank' }, 1)).messages;
  await mailbox.markRead(m!.id, true);
  const stored = fake.messages.find((x) => x.id === m!.id)!;
  assert.equal(stored.labelIds.has('UNREAD'), false);
  await mailbox.archive(m!.id);
  assert.equal(stored.labelIds.has('INBOX'), false);
  assert.equal((await mailbox.list({ from: 'bank' }, 1)).total, 0);
});

test('when replying, then Gmail receives the raw mail in the same thread with threading headers', async () => {
  const [m] = (await mailbox.list({ from: 'anna' }, 1)).messages;
  const original = await mailbox.get(m!.id);
  const sent = await mailbox.send({ to: [original.from], cc: [], subject: replySubject(original.subject), text: 'Yes, Friday.', ...replyThreading(original), threadId: original.threadId });
  const stored = fake.messages.at(-1)!;
  assert.equal(stored.threadId, 'thread-lease');
  assert.deepEqual([...stored.labelIds], ['SENT']);
  assert.equal(stored.parsed.messageId, sent.messageId);
  assert.equal(stored.parsed.inReplyTo, '<lease-2@example.net>');
  assert.deepEqual(stored.parsed.references, ['<lease-1@gmail.example>', '<lease-2@example.net>']);
  assert.equal(stored.parsed.subject, 'Re: Lease renewal');
});

test('when Gmail rejects the access token, then one forced refresh and a retry follow', async () => {
  saved = { ...saved, accessToken: 'not-a-valid-token' };
  const before = oauth.tokenRequests.length;
  const list = await mailbox.list({ from: 'anna' }, 1);
  assert.equal(list.total, 1);
  assert.equal(oauth.tokenRequests.length - before, 1);
  assert.notEqual(saved.accessToken, 'not-a-valid-token');
});

test('when a message id is unknown, then it is a not_found error', async () => {
  await assert.rejects(mailbox.get('ffffffffffffffff'), (e: unknown) => e instanceof MailProviderError && e.code === 'not_found');
});
