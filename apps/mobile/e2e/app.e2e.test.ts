// The web build in a real browser against the real server on PGlite.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { skipWithout } from '../../server/test/helpers/system-servers.ts';
import { gzipSync } from 'node:zlib';
import {
  ARTIFACTS,
  DESKTOP,
  PHONE,
  WEB_DIR,
  accessToken,
  composer,
  confirmInApp,
  eventually,
  launchBrowser,
  login,
  newAccount,
  register,
  replyWith,
  screenshot,
  send,
  startServer,
  userMessage,
  type RunningServer,
} from './helpers.ts';

const metrics: Record<string, unknown> = {};

function bundleSize() {
  const dir = path.join(WEB_DIR, '_expo/static/js/web');
  const files = readdirSync(dir).filter((f) => f.endsWith('.js'));
  const bytes = files.reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
  const gzipBytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(dir, f))).length, 0);
  return { files: files.length, bytes, gzipBytes };
}

describe('LifeOS in a browser', { skip: await skipWithout('chromium') }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.close();
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'e2e-metrics.json'), JSON.stringify({ ...metrics, webBundle: bundleSize() }, null, 2));
  });

  it('when a newcomer opens the app, then sign-in is ready fast, validation is inline, and registering opens the chat', async () => {
    const b = await launchBrowser({ viewport: PHONE });
    try {
      const started = Date.now();
      await b.page.goto(`${server.url}/`);
      // fill() waits until the field is visible, enabled and editable: the first interaction.
      await b.page.getByLabel('Email').fill('me');
      metrics.timeToFirstInteractionMs = Date.now() - started;
      assert.match(b.page.url(), /\/login$/);
      await screenshot(b.page, 'login-phone-light');

      await b.page.getByRole('link', { name: 'Create an account' }).click();
      await b.page.getByLabel('Email').fill('not an email');
      await b.page.getByLabel('Password', { exact: true }).fill('short');
      await b.page.getByRole('button', { name: 'Create account' }).click();
      await b.page.getByText('Must be a valid email address').waitFor();
      await b.page.getByText('Must be at least 8 characters').waitFor();

      const account = newAccount();
      await register(b.page, server.url, account, 'Ada');
      await b.page.getByTestId('nav-settings').click();
      await b.page.getByRole('link', { name: /Account/ }).click();
      await b.page.getByText('Time zone: Europe/Berlin').first().waitFor();

      // Log out, then the server's reason shows when the email is taken.
      await b.page.getByTestId('account-logout').click();
      await b.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      await b.page.getByRole('link', { name: 'Create an account' }).click();
      await b.page.getByLabel('Email').fill(account.email);
      await b.page.getByLabel('Password', { exact: true }).fill(account.password);
      await b.page.getByRole('button', { name: 'Create account' }).click();
      await b.page.getByRole('alert').filter({ hasText: 'An account with this email already exists' }).waitFor();
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });

  it('when the page is reloaded, then the session and the history are still there', async () => {
    const b = await launchBrowser();
    try {
      // Keyboard only: Tab between the fields, Enter submits.
      const account = newAccount();
      await b.page.goto(`${server.url}/register`);
      await b.page.getByLabel('Email').focus();
      await b.page.keyboard.type(account.email);
      await b.page.keyboard.press('Tab');
      await b.page.keyboard.type(account.password);
      await b.page.keyboard.press('Enter');
      await composer(b.page).waitFor();
      // The mention picker from the keyboard: "@c", Enter picks @cal.
      await composer(b.page).click();
      await composer(b.page).pressSequentially('@c');
      await b.page.getByTestId('mention-picker').waitFor();
      await composer(b.page).press('Enter');
      assert.equal(await composer(b.page).inputValue(), '@cal ');
      await composer(b.page).fill('');
      await send(b.page, 'hello');
      await replyWith(b.page, /LifeOS/).first().waitFor();
      await b.page.reload();
      await composer(b.page).waitFor();
      await userMessage(b.page, 'hello').waitFor();
      await b.page.goto(`${server.url}/settings/devices`);
      await b.page.getByText('This device', { exact: true }).waitFor();
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });

  it('when one user has two browsers open, then each sees the other one’s messages live, also after a dropped connection', async () => {
    const account = newAccount();
    const a = await launchBrowser();
    const b = await launchBrowser();
    try {
      await register(a.page, server.url, account);
      await login(b.page, server.url, account);
      await a.page.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();
      await b.page.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();

      await send(a.page, 'hello from the laptop');
      await userMessage(b.page, 'hello from the laptop').waitFor({ timeout: 10_000 });
      await send(b.page, 'and hello from the other browser');
      await userMessage(a.page, 'and hello from the other browser').waitFor({ timeout: 10_000 });

      await b.context.setOffline(true);
      await send(a.page, 'sent while the other was offline');
      await userMessage(a.page, 'sent while the other was offline').waitFor();
      await b.context.setOffline(false);
      await userMessage(b.page, 'sent while the other was offline').waitFor({ timeout: 20_000 });
      assert.equal(await userMessage(b.page, 'sent while the other was offline').count(), 1);

      await screenshot(a.page, 'chat-desktop-light');
      await a.page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(a.page, 'chat-desktop-dark');
      await a.page.setViewportSize(PHONE);
      await screenshot(a.page, 'chat-phone-dark');
      await a.page.emulateMedia({ colorScheme: 'light' });
      await screenshot(a.page, 'chat-phone-light');
      await a.page.setViewportSize(DESKTOP);
      assert.deepEqual([...a.errors, ...b.errors], []);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('when the access token is refused, then the app refreshes once; when the session is ended elsewhere, it returns to sign-in', async () => {
    const account = newAccount();
    const laptop = await launchBrowser();
    const phone = await launchBrowser({ viewport: PHONE });
    try {
      await register(laptop.page, server.url, account);
      await login(phone.page, server.url, account);
      const before = await phone.page.evaluate(() => JSON.parse(localStorage.getItem('lifeos.session') ?? '{}') as { refreshToken: string });
      // A token the server refuses (as after it expired): the next request refreshes it.
      await phone.page.evaluate(() => {
        const session = JSON.parse(localStorage.getItem('lifeos.session') ?? '{}') as Record<string, string>;
        localStorage.setItem('lifeos.session', JSON.stringify({ ...session, accessToken: 'expired.token.value' }));
      });
      await phone.page.reload();
      await composer(phone.page).waitFor();
      await send(phone.page, 'still signed in');
      await userMessage(phone.page, 'still signed in').waitFor();
      const after = await phone.page.evaluate(() => JSON.parse(localStorage.getItem('lifeos.session') ?? '{}') as { refreshToken: string; accessToken: string });
      assert.notEqual(after.refreshToken, before.refreshToken);
      assert.notEqual(after.accessToken, 'expired.token.value');

      // The laptop signs the phone out (Devices): the phone's stream and requests fail, its refresh too.
      await laptop.page.getByTestId('nav-devices').click();
      await laptop.page.getByRole('button', { name: 'Sign out all other devices' }).waitFor();
      await laptop.page.getByRole('button', { name: 'Sign out all other devices' }).click();
      await confirmInApp(laptop.page);
      await laptop.page.getByRole('button', { name: 'Sign out all other devices' }).waitFor({ state: 'detached' });
      await phone.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor({ timeout: 20_000 });
      await phone.page.getByText('You were signed out: this session was ended on another device').waitFor();
      assert.equal(await phone.page.evaluate(() => localStorage.getItem('lifeos.session')), null);
      assert.deepEqual([...laptop.errors, ...phone.errors], []);
    } finally {
      await laptop.close();
      await phone.close();
    }
  });

  it('when a message is written offline, then it waits, is sent when the network is back, and is stored once', async () => {
    const b = await launchBrowser();
    try {
      await register(b.page, server.url, newAccount());
      await b.context.setOffline(true);
      await send(b.page, 'written in the tunnel');
      await b.page.getByTestId('message-outbox').filter({ hasText: 'Waiting for the network' }).waitFor();
      await b.context.setOffline(false);
      await userMessage(b.page, 'written in the tunnel').waitFor({ timeout: 20_000 });
      await b.page.getByTestId('message-outbox').waitFor({ state: 'detached' });

      const token = await accessToken(b.page);
      const res = await fetch(`${server.url}/api/messages?limit=100`, { headers: { Authorization: `Bearer ${token}` } });
      const { messages } = (await res.json()) as { messages: { role: string; content: string }[] };
      assert.equal(messages.filter((m) => m.role === 'user' && m.content === 'written in the tunnel').length, 1);
      assert.equal(messages.filter((m) => m.role === 'assistant').length, 1);
    } finally {
      await b.close();
    }
  });

  it('when @mem is told something, then asking later shows the answer', async () => {
    const b = await launchBrowser();
    try {
      await register(b.page, server.url, newAccount());
      // The picker: "@" then Enter chooses the highlighted agent.
      await composer(b.page).click();
      await composer(b.page).pressSequentially('@me');
      await b.page.getByTestId('mention-option-mem').waitFor();
      await composer(b.page).press('Enter');
      await composer(b.page).pressSequentially('remember that my dentist is Dr. Weiss');
      assert.equal(await composer(b.page).inputValue(), '@mem remember that my dentist is Dr. Weiss');
      await composer(b.page).press('Enter');
      await replyWith(b.page, '@mem').first().waitFor({ timeout: 30_000 });

      await send(b.page, "@mem what's my dentist's name?");
      await replyWith(b.page, 'Weiss').last().waitFor({ timeout: 30_000 });

      // The Memories screen: search, edit, forget.
      await b.page.getByTestId('nav-memories').click();
      await b.page.getByTestId('memory-content').filter({ hasText: 'Weiss' }).first().waitFor();
      await b.page.getByTestId('memories-new').fill('My bike lock code is 4711');
      await b.page.getByTestId('memories-add').click();
      await b.page.getByTestId('memory-content').filter({ hasText: 'bike lock' }).waitFor();
      // Searching ranks the best match first.
      await b.page.getByTestId('memories-search').fill('bike');
      await eventually(async () => (await b.page.getByTestId('memory-content').first().innerText()).includes('bike lock'));
      await b.page.getByTestId('memories-search').fill('dentist');
      await eventually(async () => (await b.page.getByTestId('memory-content').first().innerText()).includes('Weiss'));
      await screenshot(b.page, 'memories-desktop-light');
      await b.page.getByRole('button', { name: /^Edit memory: .*Weiss/ }).click();
      await b.page.getByTestId('memory-edit-input').fill('My dentist is Dr. Weiss-Berger');
      await b.page.getByTestId('memory-save').click();
      await b.page.getByTestId('memory-content').filter({ hasText: 'Weiss-Berger' }).waitFor();
      await b.page.getByRole('button', { name: /^Forget memory: .*Weiss-Berger/ }).click();
      await confirmInApp(b.page);
      await b.page.getByTestId('memory-content').filter({ hasText: 'Weiss-Berger' }).waitFor({ state: 'detached' });
      await b.page.getByTestId('memories-search').fill('');
      await b.page.getByTestId('memory-content').filter({ hasText: 'bike lock' }).waitFor();
    } finally {
      await b.close();
    }
  });

  it('when @cal adds an event, then the agenda shows it', async () => {
    const b = await launchBrowser();
    try {
      await register(b.page, server.url, newAccount());
      await send(b.page, '@cal add dentist appointment tomorrow at 9');
      await replyWith(b.page, '@cal').first().waitFor({ timeout: 30_000 });
      await b.page.getByTestId('nav-calendar').click();
      await b.page.getByTestId('agenda-event-title').filter({ hasText: /dentist/i }).first().waitFor({ timeout: 10_000 });
      await screenshot(b.page, 'agenda-desktop-light');
    } finally {
      await b.close();
    }
  });

  it('when an agent asks before deleting, then Confirm in the chat runs it', async () => {
    const b = await launchBrowser();
    try {
      await register(b.page, server.url, newAccount());
      await send(b.page, '@cal add team lunch tomorrow at 12:30');
      await replyWith(b.page, '@cal').first().waitFor({ timeout: 30_000 });
      await send(b.page, '@cal cancel the team lunch tomorrow');
      const card = b.page.getByTestId('pending-action');
      await card.waitFor({ timeout: 30_000 });
      assert.match(await card.getByTestId('pending-action-summary').innerText(), /lunch/i);
      await screenshot(b.page, 'pending-action-desktop-light');
      await b.page.setViewportSize(PHONE);
      await b.page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(b.page, 'pending-action-phone-dark');
      await b.page.emulateMedia({ colorScheme: 'light' });
      await b.page.setViewportSize(DESKTOP);
      const repliesBefore = await b.page.getByTestId('message-assistant').count();
      await card.getByRole('button', { name: 'Confirm' }).click();
      await card.getByTestId('pending-action-status').filter({ hasText: 'Confirmed.' }).waitFor({ timeout: 30_000 });
      await b.page.getByTestId('message-assistant').nth(repliesBefore).waitFor();
      await b.page.getByTestId('nav-calendar').click();
      await b.page.getByText(/Nothing planned/).waitFor();
    } finally {
      await b.close();
    }
  });
});
