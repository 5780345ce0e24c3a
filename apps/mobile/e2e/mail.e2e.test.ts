// Connecting a mailbox in the app and sending a drafted mail after Confirm,
// against a real IMAP server (dovecot) and a real SMTP server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDovecot, type Dovecot } from '../../server/test/helpers/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../../server/test/helpers/smtp-sink.ts';
import { skipWithout } from '../../server/test/helpers/system-servers.ts';
import { confirmInApp, launchBrowser, newAccount, register, replyWith, screenshot, send, startServer, type RunningServer } from './helpers.ts';

const ALICE = { email: 'alice@example.test', password: 'imap-secret' };

describe('LifeOS in a browser, with a mailbox', { skip: await skipWithout('chromium', 'dovecot') }, () => {
  let dovecot: Dovecot;
  let sink: SmtpSink;
  let server: RunningServer;
  before(async () => {
    dovecot = await startDovecot({ users: [ALICE] });
    sink = await startSmtpSink({ users: [{ user: ALICE.email, pass: ALICE.password }] });
    server = await startServer();
  });
  after(async () => {
    await server?.close();
    await sink?.stop();
    await dovecot?.stop();
  });

  it('when a mailbox is connected in the app, then @mail drafts, Confirm sends, and Disconnect removes it', async () => {
    const b = await launchBrowser();
    try {
      await register(b.page, server.url, newAccount());
      await b.page.getByTestId('nav-connections').click();
      const fill = async (password: string) => {
        await b.page.getByLabel('Email address').fill(ALICE.email);
        await b.page.getByLabel('IMAP server').fill(dovecot.host);
        await b.page.getByLabel('Port').first().fill(String(dovecot.port));
        await b.page.getByRole('switch', { name: 'IMAP uses TLS' }).click();
        await b.page.getByLabel('SMTP server').fill(sink.host);
        await b.page.getByLabel('Port').nth(1).fill(String(sink.port));
        await b.page.getByRole('switch', { name: 'SMTP uses TLS' }).click();
        // The test servers offer no TLS: the user's explicit choice.
        await b.page.getByRole('switch', { name: /Allow a server without encryption/ }).click();
        await b.page.getByLabel('Mail password', { exact: true }).fill(password);
        await b.page.getByRole('button', { name: 'Connect account' }).click();
      };

      // A refused login: the server's reason is shown, nothing is stored.
      await fill('wrong password');
      await b.page.getByRole('alert').first().waitFor({ timeout: 20_000 });
      assert.ok((await b.page.getByRole('alert').first().innerText()).length > 0);
      await b.page.reload();
      await fill(ALICE.password);
      await b.page.getByText('Connected.').waitFor({ timeout: 20_000 });
      await b.page.getByText(ALICE.email).first().waitFor();
      await b.page.getByText('Working').waitFor();

      await b.page.getByTestId('nav-chat').click();
      await send(b.page, '@mail write to jo@example.com subject Dinner: are you free Friday?');
      const card = b.page.getByTestId('pending-action').last();
      await card.waitFor({ timeout: 30_000 });
      const summary = await card.getByTestId('pending-action-summary').innerText();
      assert.match(summary, /To: jo@example\.com/);
      assert.match(summary, /Subject: Dinner/);
      assert.match(summary, /are you free Friday\?/);
      assert.equal(sink.received.length, 0, 'nothing is sent before Confirm');
      await screenshot(b.page, 'mail-draft-desktop-light');

      await card.getByRole('button', { name: 'Confirm' }).click();
      await card.getByTestId('pending-action-status').filter({ hasText: 'Confirmed.' }).waitFor({ timeout: 30_000 });
      await replyWith(b.page, /Sent to jo@example\.com/).waitFor();
      const [mail] = await sink.waitFor(1);
      assert.equal(mail?.parsed.subject, 'Dinner');
      assert.deepEqual(mail?.envelope.to, ['jo@example.com']);

      await b.page.getByTestId('nav-connections').click();
      await b.page.getByRole('button', { name: `Disconnect ${ALICE.email}` }).click();
      await confirmInApp(b.page);
      await b.page.getByText('No accounts connected yet.').waitFor();
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });
});
