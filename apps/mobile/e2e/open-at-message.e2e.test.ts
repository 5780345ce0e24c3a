// A notification's link, `/?message=<id>`, opens the chat at that message: in a
// long chat, an old message (pages away from the newest) is loaded, scrolled into
// view and highlighted. The same when the service worker tells an open window it
// does not control to move there (its `lifeos.open` message), which is dispatched
// here by hand: no real push service is reachable.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { accessToken, launchBrowser, newAccount, register, screenshot, startServer, type Browser, type RunningServer } from './helpers.ts';

async function post(server: RunningServer, token: string, content: string): Promise<{ message: { id: string } }> {
  const res = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ content }),
  });
  assert.equal(res.status, 201);
  return res.json() as Promise<{ message: { id: string } }>;
}

/** The highlighted message is drawn inside the conversation's visible area. */
async function visibleAndHighlighted(page: Page, text: string): Promise<void> {
  const highlighted = page.getByTestId('message-highlighted');
  await highlighted.waitFor({ timeout: 30_000 });
  assert.equal(await highlighted.count(), 1);
  assert.match((await highlighted.textContent()) ?? '', new RegExp(text));
  // Scrolled smoothly into place: wait until it sits inside the scroller's box.
  await page.waitForFunction(
    () => {
      const el = document.querySelector('[data-testid="message-highlighted"]');
      const scroller = document.querySelector('[data-testid="message-list"]');
      if (!el || !scroller) return false;
      const a = el.getBoundingClientRect();
      const b = scroller.getBoundingClientRect();
      return a.height > 0 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
    },
    undefined,
    { timeout: 10_000 },
  );
}

describe('opening the chat at a message', () => {
  let server: RunningServer;
  let browser: Browser;
  const ids: string[] = [];
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await register(browser.page, server.url, newAccount());
    const token = await accessToken(browser.page);
    // 60 notes and 60 replies: the oldest are four pages from the newest.
    for (let i = 1; i <= 60; i++) ids.push((await post(server, token, `note number ${i} (end)`)).message.id);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('when /?message=<id> of an old message opens, then that message is loaded, in view and highlighted', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/?message=${ids[1]}`);
    await visibleAndHighlighted(page, 'note number 2 \\(end\\)');
    await screenshot(page, 'open-at-old-message');
    assert.equal(await page.getByText('note number 60 (end)', { exact: true }).count(), 1, 'the newer history is there too');
  });

  it('when the service worker asks an open window to move to a message, then the chat shows that message', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/`);
    await page.getByText('note number 60 (end)', { exact: true }).waitFor();
    await page.evaluate((id) => {
      const container = (navigator as any).serviceWorker as EventTarget;
      container.dispatchEvent(new MessageEvent('message', { data: { type: 'lifeos.open', url: `/?message=${id}`, messageId: id } }));
    }, ids[4]!);
    await visibleAndHighlighted(page, 'note number 5 \\(end\\)');
  });
});
