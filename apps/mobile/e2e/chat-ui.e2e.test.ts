// The chat as a person uses it: Markdown replies, scrolling, message actions, the
// composer, search, times; against the real server with a scripted language model.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../server/test/helpers/scripted-llm-server.ts';
import {
  PHONE,
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

const MARKDOWN = [
  '## Your week',
  '',
  '- **Monday**: standup at 9, then a long planning session with the whole team that goes on and on until lunch so this line wraps',
  '- ~~Tuesday~~ moved to Wednesday',
  '',
  '1. first',
  '2. second',
  '',
  '| Day | Event |',
  '|---|---|',
  '| Mon | Gym |',
  '| Tue | Dentist |',
  '',
  '> a quoted line',
  '',
  '```sh',
  'npm start',
  '```',
  '',
  'See [the docs](https://example.com/docs), [mail me](mailto:jo@example.com), [bad](javascript:alert(1)).',
  '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>',
].join('\n');

/** POSTs a message as the user, over the API (to fill a history fast). */
async function post(server: RunningServer, token: string, content: string) {
  const res = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ content }),
  });
  assert.equal(res.status, 201);
  return res.json() as Promise<{ message: { id: string }; reply: { id: string } }>;
}

/** The scroll offset of the conversation: 0 at the newest message, negative above it. */
const scrollOffset = (page: Page) => page.getByTestId('message-list').evaluate((el) => el.scrollTop);

describe('the chat in a browser, with a language model', () => {
  let llm: ScriptedLlmServer;
  let server: RunningServer;
  before(async () => {
    llm = await startScriptedLlmServer({ whenExhausted: { type: 'text', text: 'Noted.' } });
    try {
      server = await startServer({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'scripted-model', LLM_API_KEY: 'test-key' });
    } catch (err) {
      await llm.close();
      throw err;
    }
  });
  after(async () => {
    await server?.close();
    await llm?.close();
  });

  it('when a reply is Markdown, then lists, headings, tables, quotes, code with a copy button and safe links render, and no HTML from it runs', async () => {
    const b = await launchBrowser();
    try {
      await register(b.page, server.url, newAccount());
      llm.setScript([{ type: 'text', text: MARKDOWN }]);
      await send(b.page, 'what is my week like?');
      const reply = replyWith(b.page, 'Your week');
      await reply.waitFor({ timeout: 20_000 });

      assert.equal(await reply.getByRole('heading', { name: 'Your week' }).count(), 1);
      assert.equal(await reply.locator('li').count(), 4);
      assert.equal(await reply.getByRole('row').count(), 3);
      assert.equal(await reply.getByRole('cell', { name: 'Dentist' }).count(), 1);
      assert.equal(await reply.getByText('Tuesday').evaluate((el) => getComputedStyle(el).textDecorationLine), 'line-through');
      await reply.getByText('a quoted line').waitFor();

      // A wrapped list item keeps its indent: every line starts right of the bullet.
      const item = reply.locator('li').first();
      const marker = await item.locator('[aria-hidden="true"]').first().boundingBox();
      const body = await item.getByText(/standup at 9/).boundingBox();
      assert.ok(marker && body);
      assert.ok(body.height > 30, 'the item wraps onto several lines');
      assert.ok(body.x >= marker.x + marker.width - 1, 'wrapped lines stay right of the marker');

      // Links: only http(s) and mailto, opened safely.
      const links = reply.locator('a');
      assert.deepEqual(await links.evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')])), [
        ['https://example.com/docs', 'noopener noreferrer', '_blank'],
        ['mailto:jo@example.com', 'noopener noreferrer', '_blank'],
      ]);
      await reply.getByText('bad').waitFor();
      assert.equal(await reply.locator('img, script').count(), 0);
      assert.equal(await b.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
      await reply.getByText(/<img src=x onerror/).waitFor();

      await reply.getByRole('button', { name: 'Copy sh code' }).click();
      await reply.getByRole('button', { name: 'Code copied' }).waitFor();
      assert.equal(await b.page.evaluate(() => navigator.clipboard.readText()), 'npm start');

      await screenshot(b.page, 'markdown-desktop-light');
      await b.page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(b.page, 'markdown-desktop-dark');
      await b.page.setViewportSize(PHONE);
      await screenshot(b.page, 'markdown-phone-dark');
      await b.page.emulateMedia({ colorScheme: 'light' });
      await screenshot(b.page, 'markdown-phone-light');
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });

  it('when scrolled up, then new messages show "Jump to latest (N new)", sending brings the latest into view, and loading older pages keeps the position', async () => {
    const account = newAccount();
    const b = await launchBrowser();
    try {
      await register(b.page, server.url, account);
      const token = await accessToken(b.page);
      for (let i = 1; i <= 40; i++) await post(server, token, `history ${i}`);
      await b.page.reload();
      await userMessage(b.page, 'history 40').waitFor();
      assert.equal(await scrollOffset(b.page), 0, 'the chat opens at the newest message');

      // Reading order top to bottom, in the page itself: oldest first, each message a list item with a <time>.
      const users = await b.page.getByTestId('message-user').allInnerTexts();
      const numbers = users.map((t) => Number(/history (\d+)/.exec(t)?.[1]));
      assert.deepEqual(numbers, [...numbers].sort((x, y) => x - y));
      assert.ok((await b.page.getByRole('log').getByRole('listitem').count()) >= 30);
      assert.match((await b.page.locator('time').first().getAttribute('datetime')) ?? '', /^\d{4}-\d{2}-\d{2}T/);
      await b.page.getByText('Today', { exact: true }).first().waitFor();

      // Up a little: two messages come in from elsewhere.
      await b.page.getByTestId('message-list').hover();
      await b.page.mouse.wheel(0, -1500);
      await eventually(async () => (await scrollOffset(b.page)) < -1000);
      await post(server, token, 'from the phone');
      await b.page.getByRole('button', { name: /^Jump to latest \(2 new\)$/ }).waitFor({ timeout: 10_000 });
      assert.ok((await scrollOffset(b.page)) < -1000, 'the reader was not moved');
      await b.page.getByRole('button', { name: /^Jump to latest/ }).click();
      await eventually(async () => (await scrollOffset(b.page)) > -5);
      await b.page.getByTestId('jump-to-latest').waitFor({ state: 'detached' });

      // Scrolled up again, then sending: the new message is in view.
      await b.page.getByTestId('message-list').hover();
      await b.page.mouse.wheel(0, -1500);
      await eventually(async () => (await scrollOffset(b.page)) < -1000);
      await send(b.page, 'sent while scrolled up');
      await userMessage(b.page, 'sent while scrolled up').waitFor();
      await eventually(async () => (await scrollOffset(b.page)) > -5);
      assert.ok(await userMessage(b.page, 'sent while scrolled up').isVisible());
      assert.equal(await b.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Message', 'focus stays in the composer');

      // To the top: the older page loads above, and what was on screen stays put.
      // With the mouse wheel, as a person scrolls.
      const toTop = async () => {
        await b.page.getByTestId('message-list').hover();
        await b.page.mouse.wheel(0, -20_000);
      };
      const count = () => b.page.getByTestId('message-user').count();
      const loaded = await count();
      // Older pages arrive a moment later, as on a slow network: the position before and after can be compared.
      await b.page.route(/\/api\/messages\?.*before=/, async (route) => {
        await new Promise((r) => setTimeout(r, 1_000));
        await route.continue();
      });
      const anchor = b.page.getByText('history 29', { exact: true });
      await toTop();
      await eventually(async () => (await b.page.getByTestId('message-list').evaluate((el) => el.scrollHeight - el.clientHeight + el.scrollTop)) < 100);
      const before = (await anchor.boundingBox())!.y;
      await eventually(async () => (await count()) > loaded, 15_000);
      await b.page.waitForTimeout(300);
      const after = (await anchor.boundingBox())!.y;
      // Only the one page: the reader was not carried to the top of it.
      assert.equal(await b.page.getByTestId('history-start').count(), 0);
      assert.ok(Math.abs(after - before) < 5, `the visible message stayed put (${before} -> ${after})`);
      // And on up to the beginning.
      await eventually(async () => {
        await toTop();
        return (await b.page.getByTestId('history-start').count()) > 0;
      }, 30_000);
      await b.page.getByText('history 1', { exact: true }).waitFor({ state: 'attached' });
      await b.page.getByTestId('history-start').waitFor();
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });

  it('when I copy, delete or regenerate a message, then it acts on that message, and a delete reaches my other browser', async () => {
    const account = newAccount();
    const a = await launchBrowser();
    const b = await launchBrowser();
    try {
      await register(a.page, server.url, account);
      await login(b.page, server.url, account);
      llm.setScript([{ type: 'text', text: 'First answer' }]);
      await send(a.page, 'a question to regenerate');
      await replyWith(a.page, 'First answer').waitFor({ timeout: 20_000 });
      await userMessage(b.page, 'a question to regenerate').waitFor();

      await userMessage(a.page, 'a question to regenerate').getByRole('button', { name: /^Copy your message/ }).click();
      assert.equal(await a.page.evaluate(() => navigator.clipboard.readText()), 'a question to regenerate');

      llm.setScript([{ type: 'text', text: 'Second answer' }]);
      await replyWith(a.page, 'First answer').getByRole('button', { name: /^Regenerate/ }).click();
      await replyWith(a.page, 'Second answer').waitFor({ timeout: 20_000 });

      // Selecting across messages copies them in reading order, bubble text included.
      const selected = await a.page.evaluate(() => {
        const list = document.querySelector('[role="log"] [role="list"]')!;
        const range = document.createRange();
        range.selectNodeContents(list);
        const selection = window.getSelection()!;
        selection.removeAllRanges();
        selection.addRange(range);
        return selection.toString();
      });
      const order = ['a question to regenerate', 'First answer', 'Second answer'].map((t) => selected.indexOf(t));
      assert.ok(order.every((i) => i >= 0), selected);
      assert.deepEqual(order, [...order].sort((x, y) => x - y));

      await userMessage(a.page, 'a question to regenerate').first().getByRole('button', { name: /^Delete your message/ }).click();
      const confirmButton = a.page.getByRole('alertdialog').getByTestId('confirm-ok');
      await confirmButton.waitFor();
      assert.equal(await confirmButton.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(185, 28, 28)', 'the destructive button is red');
      await screenshot(a.page, 'delete-dialog-desktop-light');
      await confirmInApp(a.page);
      await eventually(async () => (await userMessage(a.page, 'a question to regenerate').count()) === 1);
      await eventually(async () => (await userMessage(b.page, 'a question to regenerate').count()) === 1, 15_000);
      assert.deepEqual([...a.errors, ...b.errors], []);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('when a reply streams, then Stop ends it on the server and what was written stays, marked Stopped', async () => {
    const b = await launchBrowser();
    try {
      await register(b.page, server.url, newAccount());
      const words = Array.from({ length: 60 }, (_, i) => `word${i} `);
      llm.setScript([{ type: 'text', text: words.join(''), chunks: words, chunkDelayMs: 200 }]);
      await send(b.page, 'a long story please');
      await b.page.getByTestId('message-streaming').waitFor({ timeout: 20_000 });
      await b.page.getByRole('button', { name: 'Stop the reply' }).click();
      const reply = replyWith(b.page, /^Assistant/).filter({ hasText: 'word0' });
      await reply.getByText('Stopped', { exact: true }).waitFor({ timeout: 15_000 });
      assert.doesNotMatch(await reply.innerText(), /word59/);
      await b.page.getByRole('button', { name: 'Stop the reply' }).waitFor({ state: 'detached' });
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });

  it('when typing a long message, then the composer grows to about 40 % of the screen, then scrolls; on a phone Enter is a new line and Send sends', async () => {
    const desk = await launchBrowser();
    const phone = await launchBrowser({ viewport: PHONE, touch: true });
    try {
      const account = newAccount();
      await register(desk.page, server.url, account);
      const box = composer(desk.page);
      const small = (await box.boundingBox())!.height;
      await box.fill(Array.from({ length: 6 }, (_, i) => `line ${i}`).join('\n'));
      await eventually(async () => (await box.boundingBox())!.height > small + 40);
      await box.fill(Array.from({ length: 80 }, (_, i) => `line ${i}`).join('\n'));
      await eventually(async () => (await box.boundingBox())!.height >= 860 * 0.4 - 2);
      const grown = (await box.boundingBox())!.height;
      assert.ok(grown <= 860 * 0.4 + 2, `at most 40 % of the screen (${grown})`);
      assert.ok(await box.evaluate((el) => el.scrollHeight > el.clientHeight + 100), 'the rest scrolls inside');
      await box.fill('');

      await login(phone.page, server.url, account);
      const phoneBox = composer(phone.page);
      await phoneBox.click();
      await phoneBox.pressSequentially('first line');
      await phoneBox.press('Enter');
      await phoneBox.pressSequentially('second line');
      assert.equal(await phoneBox.inputValue(), 'first line\nsecond line');
      await phone.page.getByTestId('composer-send').click();
      await userMessage(phone.page, 'second line').waitFor();
      assert.equal(await phoneBox.inputValue(), '');
      assert.equal(await phone.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Message');
      assert.deepEqual([...desk.errors, ...phone.errors], []);
    } finally {
      await desk.close();
      await phone.close();
    }
  });

  it('when I search the conversation, then matches are listed and choosing one shows it in place; times follow my 12- or 24-hour setting', async () => {
    const b = await launchBrowser();
    try {
      await register(b.page, server.url, newAccount());
      const token = await accessToken(b.page);
      await post(server, token, 'the harbour key is under the blue pot');
      for (let i = 0; i < 35; i++) await post(server, token, `filler ${i}`);
      await b.page.reload();
      await userMessage(b.page, 'filler 34').waitFor();
      assert.equal(await userMessage(b.page, 'the harbour key').count(), 0, 'the match is not loaded yet');

      await b.page.getByRole('button', { name: 'Search the conversation' }).click();
      await b.page.getByLabel('Search messages').fill('harbour key');
      const result = b.page.getByTestId('chat-search-result').filter({ hasText: 'blue pot' }).first();
      await result.waitFor({ timeout: 10_000 });
      await screenshot(b.page, 'search-desktop-light');
      await result.click();
      const found = userMessage(b.page, 'the harbour key is under the blue pot');
      await found.waitFor({ timeout: 15_000 });
      await eventually(() => found.isVisible());
      await eventually(async () => (await found.boundingBox())!.y > 0 && (await found.boundingBox())!.y < 860);

      // Times: 24-hour here (en-US would default to 12, the account says 24 after this change).
      const time = b.page.locator('time').last();
      assert.match((await time.getAttribute('title')) ?? '', /\d{4}/, 'the full date on hover');
      await b.page.goto(`${server.url}/settings/account`);
      await b.page.getByRole('radio', { name: /^24-hour/ }).click();
      await b.page.getByRole('radio', { name: /^24-hour/, checked: true }).waitFor();
      await b.page.getByTestId('nav-chat').click();
      await eventually(async () => !/AM|PM/.test(await b.page.locator('time').last().innerText()));
      await b.page.goto(`${server.url}/settings/account`);
      await b.page.getByRole('radio', { name: /^12-hour/ }).click();
      await b.page.getByTestId('nav-chat').click();
      await eventually(async () => /AM|PM/.test(await b.page.locator('time').last().innerText()));
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });
});
