// Every screen at desktop and phone size, light and dark: axe-core finds no serious
// or critical accessibility problem, and the screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startRadicale } from '../../server/test/helpers/radicale.ts';
import {
  DESKTOP,
  PHONE,
  composer,
  confirmInApp,
  launchBrowser,
  newAccount,
  register,
  screenshot,
  send,
  seriousA11yViolations,
  startServer,
  type RunningServer,
} from './helpers.ts';

const SCREENS = [
  { path: '/', name: 'chat', ready: (p: Page) => composer(p).waitFor() },
  { path: '/memories', name: 'memories', ready: (p: Page) => p.getByRole('heading', { name: 'Memories' }).first().waitFor() },
  { path: '/calendar', name: 'calendar-agenda', ready: (p: Page) => p.getByRole('radio', { name: 'Agenda' }).waitFor() },
  { path: '/settings', name: 'settings', ready: (p: Page) => p.getByRole('link', { name: /^Account/ }).first().waitFor() },
  { path: '/settings/connections', name: 'connections', ready: (p: Page) => p.getByRole('button', { name: 'Connect calendar' }).waitFor() },
  { path: '/settings/devices', name: 'devices', ready: (p: Page) => p.getByText('This device', { exact: true }).waitFor() },
  { path: '/settings/account', name: 'account', ready: (p: Page) => p.getByRole('button', { name: 'Change password' }).waitFor() },
];

// Every screen is checked before the test fails, so one run lists every problem.
const found: string[] = [];
async function expectNoSeriousViolations(page: Page, where: string) {
  for (const v of await seriousA11yViolations(page)) found.push(`${where}: ${v.id} (${v.impact}) ${v.help} ${JSON.stringify(v.nodes)}`);
}
function assertNoneFound() {
  const list = found.splice(0);
  assert.deepEqual(list, [], list.join('\n'));
}

describe('every screen, checked with axe-core', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.close();
  });

  it('when signed out, then the sign-in and registration screens have no serious accessibility problems', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const b = await launchBrowser({ viewport });
      try {
        await b.page.goto(`${server.url}/login`);
        await b.page.getByLabel('Email').waitFor();
        await expectNoSeriousViolations(b.page, `login ${viewport.width}`);
        // The show-password toggle.
        await b.page.getByLabel('Password', { exact: true }).fill('secret words');
        assert.equal(await b.page.getByLabel('Password', { exact: true }).getAttribute('type'), 'password');
        await b.page.getByRole('button', { name: 'Show characters of password' }).click();
        assert.notEqual(await b.page.getByLabel('Password', { exact: true }).getAttribute('type'), 'password');
        // No password reset on a server without outgoing mail.
        assert.equal(await b.page.getByText('Forgot password?').count(), 0);
        // Empty fields: plain words next to each field.
        await b.page.getByLabel('Password', { exact: true }).fill('');
        await b.page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await b.page.getByText('Enter your password.').waitFor();
        assert.equal(await b.page.getByText(/Too small|expected string/).count(), 0);
        await b.page.goto(`${server.url}/register`);
        await b.page.getByLabel('Email').waitFor();
        await expectNoSeriousViolations(b.page, `register ${viewport.width}`);
        assertNoneFound();
        assert.deepEqual(b.errors, []);
      } finally {
        await b.close();
      }
    }
  });

  it('when signed in, then every screen passes axe at desktop and phone size, in light and dark', async () => {
    const account = newAccount();
    for (const viewport of [DESKTOP, PHONE]) {
      for (const scheme of ['light', 'dark'] as const) {
        const b = await launchBrowser({ viewport, colorScheme: scheme });
        const size = viewport === DESKTOP ? 'desktop' : 'phone';
        try {
          if (viewport === DESKTOP && scheme === 'light') {
            await register(b.page, server.url, account);
            await send(b.page, '@cal dentist tomorrow at 10:30');
            await b.page.getByTestId('message-assistant').first().waitFor();
            await send(b.page, '@mem remember that my bike lock code is 4711');
            await b.page.getByTestId('message-assistant').nth(1).waitFor();
          } else {
            await b.page.goto(`${server.url}/login`);
            await b.page.getByLabel('Email').fill(account.email);
            await b.page.getByLabel('Password', { exact: true }).fill(account.password);
            await b.page.getByRole('button', { name: 'Sign in', exact: true }).click();
            await composer(b.page).waitFor();
          }
          // The composer has the focus when the chat opens.
          await b.page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Message');
          for (const screen of SCREENS) {
            await b.page.goto(`${server.url}${screen.path}`);
            await screen.ready(b.page);
            await b.page.waitForTimeout(150);
            await expectNoSeriousViolations(b.page, `${screen.name} ${size} ${scheme}`);
            await screenshot(b.page, `${screen.name}-${size}-${scheme}`);
            if (size === 'phone' && screen.path.startsWith('/settings/')) {
              // Phones: a header with the title and Back on every settings screen.
              await b.page.getByTestId('header-title').waitFor();
              await b.page.getByRole('button', { name: 'Back to Settings' }).click();
              await b.page.getByRole('link', { name: /^Account/ }).first().waitFor();
            }
          }
          for (const view of ['week', 'month'] as const) {
            await b.page.goto(`${server.url}/calendar`);
            await b.page.getByTestId(`calendar-view-${view}`).click();
            await b.page.getByTestId('calendar-event').first().waitFor();
            await expectNoSeriousViolations(b.page, `calendar ${view} ${size} ${scheme}`);
            await screenshot(b.page, `calendar-${view}-${size}-${scheme}`);
          }
          assert.deepEqual(b.errors, []);
        } finally {
          await b.close();
        }
      }
    }
    assertNoneFound();
  });

  it('when I open an event, then I can edit and delete it; a new event from the form shows in the week', async () => {
    const b = await launchBrowser();
    try {
      await register(b.page, server.url, newAccount());
      await b.page.getByTestId('nav-calendar').click();
      await b.page.getByTestId('calendar-add').click();
      await b.page.getByLabel('Title').fill('Team lunch');
      const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/Berlin' });
      await b.page.getByLabel('Date').fill(tomorrow);
      await b.page.getByLabel('Starts').fill('12:30');
      await b.page.getByLabel('Ends').fill('13:30');
      await b.page.getByTestId('event-save').click();
      await b.page.getByTestId('agenda-event-title').filter({ hasText: 'Team lunch' }).waitFor();
      assert.equal(await b.page.getByRole('button', { name: 'Refresh' }).count(), 0, 'no Refresh button: it updates live');

      await b.page.getByTestId('calendar-view-week').click();
      await b.page.getByRole('button', { name: /Team lunch/ }).click();
      await b.page.getByRole('dialog').getByText('Team lunch').first().waitFor();
      await b.page.getByTestId('event-edit').click();
      await b.page.getByLabel('Title').fill('Team lunch (moved)');
      await b.page.getByLabel('Starts').fill('13:00');
      await b.page.getByLabel('Ends').fill('14:00');
      await b.page.getByTestId('event-save').click();
      // en-US: 12-hour times.
      await b.page.getByRole('button', { name: /1:00\sPM.*Team lunch \(moved\)/ }).click();
      await b.page.getByTestId('event-delete').click();
      await confirmInApp(b.page);
      await b.page.getByRole('button', { name: /Team lunch/ }).waitFor({ state: 'detached' });
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });

  it('when the server has no Google and no model, then neither is offered; changing the password works and asks again for a wrong one', async () => {
    const b = await launchBrowser();
    try {
      const account = newAccount();
      await register(b.page, server.url, account);
      await b.page.goto(`${server.url}/settings/connections`);
      await b.page.getByRole('button', { name: 'Connect calendar' }).waitFor();
      assert.equal(await b.page.getByRole('button', { name: 'Connect Google' }).count(), 0);

      await b.page.goto(`${server.url}/settings/account`);
      const toggle = b.page.getByTestId('account-memory-extraction');
      await toggle.waitFor();
      assert.equal(await toggle.getAttribute('aria-disabled'), 'true');
      await b.page.getByText(/needs a language model, and this server has none configured/).waitFor();

      await b.page.getByTestId('password-current').fill('not the password');
      await b.page.getByTestId('password-new').fill('a brand new passphrase');
      await b.page.getByTestId('password-change').click();
      await b.page.getByText('That password is not right.').waitFor();
      await b.page.getByTestId('password-current').fill(account.password);
      await b.page.getByTestId('password-change').click();
      await b.page.getByText('Password changed. Your other devices were signed out.').waitFor();
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: account.email, password: 'a brand new passphrase' }),
      });
      assert.equal(login.status, 200);
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });

  it('when I fill in the CalDAV form, then a wrong password is refused in plain words and the right one connects the calendar', async () => {
    const radicale = await startRadicale();
    const b = await launchBrowser();
    try {
      await register(b.page, server.url, newAccount());
      await b.page.goto(`${server.url}/settings/connections`);
      await b.page.getByTestId('caldav-url').fill(radicale.url);
      await b.page.getByTestId('caldav-username').fill(radicale.username);
      await b.page.getByTestId('caldav-password').fill('wrong password');
      await b.page.getByTestId('caldav-connect').click();
      await b.page.getByRole('alert').first().waitFor({ timeout: 20_000 });
      assert.equal(await b.page.getByText(/Calendar connected/).count(), 0);
      await b.page.getByTestId('caldav-password').fill(radicale.password);
      await b.page.getByTestId('caldav-connect').click();
      await b.page.getByText(/^Calendar connected/).waitFor({ timeout: 20_000 });
      await b.page.getByText('CalDAV', { exact: false }).first().waitFor();
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await radicale.stop();
    }
  });

  it('when I delete my account, then the password is checked before the last question, and the sign-in screen says it is gone', async () => {
    const b = await launchBrowser();
    try {
      const account = newAccount();
      await register(b.page, server.url, account);
      await b.page.goto(`${server.url}/settings/account`);
      await b.page.getByTestId('delete-password').fill('not my password');
      await b.page.getByTestId('delete-account').click();
      await b.page.getByText('That password is not right.').waitFor();
      assert.equal(await b.page.getByRole('alertdialog').count(), 0, 'no final question for a wrong password');
      await b.page.getByTestId('delete-password').fill(account.password);
      await b.page.getByTestId('delete-account').click();
      await b.page.getByRole('alertdialog').waitFor();
      await screenshot(b.page, 'delete-account-desktop-light');
      await confirmInApp(b.page);
      await b.page.getByText('Your account and everything in it was deleted.').waitFor({ timeout: 15_000 });
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });
});
