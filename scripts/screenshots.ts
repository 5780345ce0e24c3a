/// <reference lib="dom" />
// Screenshots of the app for the points of the chat-and-screens work (Markdown,
// scrolling, message actions, composer, words, time, calendar, account, phone,
// accessibility), at desktop (1366x860) and phone (390x844, touch) size, of any
// checkout of this repository: today's code, or an older commit to compare with.
//
//   npm run screenshots -- --out DIR [--repo DIR] [--label before|after]
//       runs the server of --repo (default: this checkout; its web app must be built:
//       npm run build:web there) on free ports with empty PGlite databases, one server
//       with the built-in engine and one with a scripted OpenAI-compatible model (for
//       Markdown replies, streaming and regenerate), seeds what each point needs through
//       the API and takes NN-name-desktop.png / NN-name-phone.png in DIR.
//   npm run screenshots -- --compose --before DIR --after DIR --out DIR
//       puts the two shots of each point side by side ("Before | After", with a caption).
//
// An older checkout may lack a feature: then the screen is taken as it was, which is
// what "before" means. Points that need an element that is not there wait briefly and
// go on.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { seriousA11yViolations } from '../apps/mobile/e2e/helpers.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../apps/server/test/helpers/scripted-llm-server.ts';
import { systemBinary } from '../apps/server/test/helpers/system-servers.ts';

const HERE = fileURLToPath(new URL('..', import.meta.url));
const DESKTOP = { width: 1366, height: 860 };
const PHONE = { width: 390, height: 844 };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PASSWORD = 'correct horse battery staple';
const TIME_ZONE = 'Europe/Berlin';
const CHROME_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const { values } = parseArgs({
  options: {
    repo: { type: 'string' },
    out: { type: 'string' },
    label: { type: 'string' },
    compose: { type: 'boolean' },
    before: { type: 'string' },
    after: { type: 'string' },
    only: { type: 'string' },
  },
});

const MARKDOWN = [
  '## Your week',
  '',
  '- **Monday**: standup at 9, then a long planning session with the whole team that runs until lunch, so this line wraps',
  '- ~~Tuesday~~ moved to Wednesday',
  '- Thursday: `gym` at 18:00',
  '',
  '1. Book the dentist',
  '2. Answer Jo',
  '',
  '| Day | Event |',
  '|---|---|',
  '| Mon | Gym |',
  '| Tue | Dentist |',
  '',
  '> Leave early on Friday.',
  '',
  '```sh',
  'npm start',
  '```',
  '',
  'Details in [the docs](https://example.com/docs).',
].join('\n');

/** The points, in the order of the issue. `dark`: taken in the dark theme. */
export const POINTS = [
  { n: 1, name: 'markdown', title: 'Markdown replies' },
  { n: 2, name: 'scrolling', title: 'Scrolling: new messages while scrolled up' },
  { n: 3, name: 'message-actions', title: 'Message actions' },
  { n: 4, name: 'composer', title: 'Composer' },
  { n: 5, name: 'words', title: 'Words a person reads' },
  { n: 6, name: 'time', title: 'Time' },
  { n: 7, name: 'calendar', title: 'Calendar', dark: true },
  { n: 8, name: 'account', title: 'Account' },
  { n: 9, name: 'phone-navigation', title: 'Phone navigation', dark: true },
  { n: 10, name: 'accessibility', title: 'Accessibility' },
] as const;

const pad = (n: number) => String(n).padStart(2, '0');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

type Server = { url: string; dataDir: string; stop(): Promise<void>; start(): Promise<void>; close(): Promise<void> };

/** The server of `repo` (its `npm start` entry point) on a free port, with its own empty PGlite database. */
async function startServer(repo: string, env: Record<string, string>): Promise<Server> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lifeos-shots-data-'));
  let child: ChildProcess | undefined;
  let output = '';
  const server: Server = {
    url: '',
    dataDir,
    async start() {
      const port = await freePort();
      server.url = `http://127.0.0.1:${port}`;
      output = '';
      child = spawn(process.execPath, ['apps/server/src/main.ts'], {
        cwd: repo,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          WEB_DIR: path.join(repo, 'apps/mobile/dist'),
          LOG_LEVEL: 'warn',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const deadline = Date.now() + 180_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
        try {
          if ((await fetch(`${server.url}/api/health`)).ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
        await sleep(250);
      }
    },
    async stop() {
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
    async close() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (err) {
    await server.close();
    throw err;
  }
  return server;
}

type Auth = { accessToken: string; refreshToken: string; accessTokenExpiresAt: string };
type Account = { email: string; auth: Auth; server: Server };

let accounts = 0;
async function api<T = unknown>(server: Server, token: string | undefined, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A new account, registered over the API (12-hour times, as en-US defaults to). */
async function newAccount(server: Server, name: string): Promise<Account> {
  accounts += 1;
  const email = `${name}-${Date.now()}-${accounts}@example.test`;
  const body = { email, password: PASSWORD, username: name[0]!.toUpperCase() + name.slice(1), timezone: TIME_ZONE, deviceName: 'Chrome on Linux' };
  let res = await api<Auth>(server, undefined, 'POST', '/api/auth/register', { ...body, timeFormat: '12h' });
  // A version without time formats may refuse the field.
  if (res.status === 400) res = await api<Auth>(server, undefined, 'POST', '/api/auth/register', body);
  if (res.status !== 201 && res.status !== 200) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return { email, auth: res.body, server };
}

async function postMessage(account: Account, content: string): Promise<{ message: { id: string }; reply?: { id: string } }> {
  const res = await api<{ message: { id: string }; reply?: { id: string } }>(account.server, account.auth.accessToken, 'POST', '/api/messages', { content });
  if (res.status !== 201 && res.status !== 200) throw new Error(`message: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Messages moved back in time, straight in the (stopped) server's database: the API only writes "now". */
async function moveBack(server: Server, ids: string[], days: number, hour: number): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const db = await PGlite.create(path.join(server.dataDir, 'pglite'), { extensions: { pg_trgm } });
  try {
    for (const [i, id] of ids.entries()) {
      await db.query(
        `update messages set created_at = (date_trunc('day', now() at time zone $4) - make_interval(days => $2) + make_interval(hours => $3, secs => $5)) at time zone $4 where id = $1`,
        [id, days, hour, TIME_ZONE, i * 40],
      );
    }
  } finally {
    await db.close();
  }
}

type Device = { context: BrowserContext; page: Page; close(): Promise<void> };

async function device(size: 'desktop' | 'phone', dark: boolean): Promise<Device> {
  const profile = mkdtempSync(path.join(tmpdir(), 'lifeos-shots-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: systemBinary('chromium'),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: size === 'desktop' ? DESKTOP : PHONE,
    colorScheme: dark ? 'dark' : 'light',
    locale: 'en-US',
    timezoneId: TIME_ZONE,
    ...(size === 'phone' ? { hasTouch: true, isMobile: true, deviceScaleFactor: 1 } : {}),
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs the browser in as `account` (the session the app keeps), then opens `route`. */
async function open(page: Page, account: Account | undefined, server: Server, route: string): Promise<void> {
  if (account) {
    await page.goto(`${server.url}/login`);
    await page.evaluate((value) => localStorage.setItem('lifeos.session', value), JSON.stringify(account.auth));
  }
  await page.goto(`${server.url}${route}`);
  await settle(page);
}

/** Waits for `locator`-ish things that may not exist in an older version. */
async function maybe(what: Promise<unknown>): Promise<boolean> {
  try {
    await what;
    return true;
  } catch {
    return false;
  }
}

async function settle(page: Page, ms = 1200): Promise<void> {
  await maybe(page.waitForLoadState('networkidle', { timeout: 5000 }));
  await sleep(ms);
}

const composer = (page: Page) => page.getByLabel('Message', { exact: true });

async function sendInApp(page: Page, text: string): Promise<void> {
  const box = composer(page);
  await box.click();
  await box.fill(text);
  const send = page.getByTestId('composer-send');
  await send.click();
}

/** Scrolls the conversation up by about `px`, as a wheel or a finger does. */
async function scrollUp(page: Page, px: number): Promise<void> {
  const list = page.getByTestId('message-list');
  await list.hover();
  await page.mouse.wheel(0, -px);
  await sleep(600);
}

type Env = { repo: string; out: string; plain: Server; model: Server; llm: ScriptedLlmServer; axe: Record<string, number> };
type Shot = (env: Env, page: Page, size: 'desktop' | 'phone') => Promise<void>;

async function shoot(env: Env): Promise<void> {
  const { plain, model, llm } = env;
  const only = values.only ? new Set(values.only.split(',').map(Number)) : undefined;

  // Seeding first, for the points that share an account across both sizes.
  const mdUser = await newAccount(model, 'markdown');
  const actionsUser = await newAccount(model, 'actions');
  const composerUsers = { desktop: await newAccount(model, 'composer'), phone: await newAccount(model, 'composer') };
  const scrollUser = await newAccount(plain, 'scroll');
  for (let i = 1; i <= 40; i++) await postMessage(scrollUser, `note ${i}: ${['call the plumber', 'buy oat milk', 'book train to Hamburg', 'send the slides'][i % 4]}`);
  const timeUser = await newAccount(plain, 'time');
  const twoDaysAgo = [await postMessage(timeUser, '@mem my dentist is Dr. Weiss'), await postMessage(timeUser, '@cal what is on tomorrow?')];
  const yesterday = [await postMessage(timeUser, '@mem remember that the bike lock code is 4711'), await postMessage(timeUser, '@mem what is my bike lock code?')];
  const ids = (list: { message: { id: string }; reply?: { id: string } }[]) => list.flatMap((m) => [m.message.id, ...(m.reply ? [m.reply.id] : [])]);
  const mainUser = await newAccount(plain, 'sam');
  // More sessions of the same browser name (Devices shows them).
  for (let i = 0; i < 2; i++) {
    await api(plain, undefined, 'POST', '/api/auth/login', { email: mainUser.email, password: PASSWORD }, { 'User-Agent': CHROME_ON_LINUX });
  }
  const now = new Date();
  const day = (offset: number, hour: number, minute = 0) => {
    const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + offset, hour, minute);
    return d.toISOString();
  };
  const events = [
    { title: 'Standup', start: day(0, 9), end: day(0, 9, 15) },
    { title: 'Team lunch', start: day(1, 12, 30), end: day(1, 13, 30), location: 'Canteen' },
    { title: 'Dentist', start: day(2, 14), end: day(2, 15), location: 'Dr. Weiss' },
    { title: 'Gym', start: day(3, 18), end: day(3, 19) },
    { title: 'Call with Jo', start: day(-1, 16), end: day(-1, 16, 30) },
    { title: 'Train to Hamburg', start: day(6, 8, 10), end: day(6, 10, 0) },
    { title: 'Book club', start: day(9, 19), end: day(9, 21) },
    { title: 'Haircut', start: day(12, 10), end: day(12, 11) },
  ];
  for (const event of events) {
    const res = await api(plain, mainUser.auth.accessToken, 'POST', '/api/calendar/events', event);
    if (res.status !== 201 && res.status !== 200) console.warn(`event: ${res.status}`);
  }
  // Day separators need messages of other days: moved back in the database, the server stopped meanwhile.
  await plain.stop();
  await moveBack(plain, ids(twoDaysAgo), 2, 19);
  await moveBack(plain, ids(yesterday), 1, 8);
  await plain.start();

  const shots: Record<string, Shot> = {
    async markdown(_env, page, size) {
      await open(page, mdUser, model, '/');
      if (size === 'desktop') {
        llm.setScript([{ type: 'text', text: MARKDOWN }]);
        await sendInApp(page, 'what is my week like?');
      }
      await maybe(page.getByTestId('message-assistant').filter({ hasText: 'Your week' }).waitFor({ timeout: 30_000 }));
      await settle(page);
    },
    async scrolling(_env, page) {
      await open(page, scrollUser, plain, '/');
      await maybe(page.getByTestId('message-user').filter({ hasText: 'note 40' }).waitFor({ timeout: 15_000 }));
      await scrollUp(page, 1400);
      // Another device writes meanwhile: a message and its reply arrive.
      await postMessage(scrollUser, 'note from the phone: buy stamps');
      await maybe(page.getByTestId('jump-to-latest').waitFor({ timeout: 8000 }));
      await settle(page, 1500);
    },
    async 'message-actions'(_env, page, size) {
      await open(page, actionsUser, model, '/');
      if (size === 'desktop') {
        llm.setScript([{ type: 'text', text: 'The appointment with **Dr. Weiss** is on Thursday at 2 PM.' }]);
        await sendInApp(page, 'when is the dentist?');
        await maybe(page.getByTestId('message-assistant').filter({ hasText: 'Dr. Weiss' }).waitFor({ timeout: 30_000 }));
      } else {
        await maybe(page.getByTestId('message-assistant').filter({ hasText: 'Dr. Weiss' }).waitFor({ timeout: 15_000 }));
      }
      await settle(page, 500);
      // Copy the reply: its button turns into "Copied".
      await maybe(page.getByTestId('message-assistant').last().getByTestId('message-copy').click({ timeout: 3000 }));
      await sleep(300);
    },
    async composer(_env, page, size) {
      await open(page, composerUsers[size], model, '/');
      const words = Array.from({ length: 120 }, (_, i) => `${['Here', 'is', 'a', 'long', 'answer', 'that', 'streams', 'slowly'][i % 8]} `);
      llm.setScript([{ type: 'text', text: words.join(''), chunks: words, chunkDelayMs: 250 }]);
      await sendInApp(page, 'tell me a long story');
      await maybe(page.getByTestId('message-streaming').waitFor({ timeout: 30_000 }));
      const box = composer(page);
      await box.click();
      await box.fill(['Shopping for Saturday:', '- oat milk', '- bread', '- two lemons', '- coffee beans', '- something for dinner with Jo', '- stamps', '- batteries (AA)'].join('\n'));
      await sleep(2500);
    },
    async words(_env, page) {
      // Signing in with the password left empty.
      await open(page, undefined, plain, '/login');
      await page.getByLabel('Email').fill('sam@example.test');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await maybe(page.getByRole('alert').first().waitFor({ timeout: 8000 }));
      await settle(page, 800);
    },
    async time(_env, page) {
      await open(page, timeUser, plain, '/');
      if (!(await page.getByTestId('message-user').filter({ hasText: 'dentist tomorrow' }).count())) {
        await sendInApp(page, '@cal add Dentist tomorrow at 14:00');
      }
      await maybe(page.getByTestId('message-assistant').filter({ hasText: /Dentist/ }).waitFor({ timeout: 20_000 }));
      await settle(page);
      // Phone: a long press on a time shows the full date.
      const times = page.locator('time');
      if (await times.count()) await maybe(times.last().hover({ timeout: 2000 }));
    },
    async calendar(_env, page, size) {
      await open(page, mainUser, plain, '/calendar');
      await maybe(page.getByTestId(size === 'desktop' ? 'calendar-view-week' : 'calendar-view-month').click({ timeout: 5000 }));
      await settle(page);
    },
    async account(_env, page, size) {
      await open(page, mainUser, plain, '/settings/account');
      // On the phone the time settings and the password form, further down (where they exist).
      const zone = page.getByText('Time zone', { exact: true });
      if (size === 'phone' && (await zone.count())) await zone.first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await settle(page);
    },
    async 'phone-navigation'(_env, page) {
      await open(page, mainUser, plain, '/settings/connections');
      await settle(page);
    },
    async accessibility(env, page, size) {
      // Every screen through axe-core (serious and critical), then the chat as it opens.
      const screens = ['/', '/calendar', '/memories', '/settings', '/settings/connections', '/settings/devices', '/settings/account'];
      if (size === 'desktop') {
        let total = 0;
        for (const route of screens) {
          await open(page, mainUser, plain, route);
          const found = await seriousA11yViolations(page);
          env.axe[route] = found.length;
          total += found.length;
        }
        await page.evaluate(() => localStorage.clear());
        for (const route of ['/login', '/register']) {
          await open(page, undefined, plain, route);
          env.axe[route] = (await seriousA11yViolations(page)).length;
          total += env.axe[route]!;
        }
        env.axe.total = total;
      }
      // The chat as it opens, with the order a screen reader reads its messages (the
      // document order) drawn on top: 1 is read first.
      await open(page, timeUser, plain, '/');
      await maybe(page.getByTestId('message-assistant').filter({ hasText: /Dentist/ }).waitFor({ timeout: 15_000 }));
      await settle(page);
      await page.evaluate(() => {
        const messages = document.querySelectorAll('[data-testid="message-user"], [data-testid="message-assistant"]');
        messages.forEach((el, i) => {
          // Beside the bubble (row > column > bubble): left of yours, right of the replies.
          const mine = el.getAttribute('data-testid') === 'message-user';
          const box = (el.firstElementChild?.firstElementChild ?? el).getBoundingClientRect();
          if (box.top < 0 || box.top > window.innerHeight - 24) return;
          const badge = document.createElement('div');
          badge.textContent = String(i + 1);
          badge.setAttribute('aria-hidden', 'true');
          Object.assign(badge.style, {
            position: 'fixed', left: `${Math.max(2, mine ? box.left - 30 : box.right + 6)}px`, top: `${box.top + 4}px`,
            width: '24px', height: '24px', borderRadius: '12px', background: '#db2777', color: 'white', font: 'bold 13px/24px sans-serif',
            textAlign: 'center', zIndex: '99999', pointerEvents: 'none', boxShadow: '0 0 0 2px white',
          });
          document.body.appendChild(badge);
        });
      });
    },
  };

  for (const point of POINTS) {
    if (only && !only.has(point.n)) continue;
    for (const size of ['desktop', 'phone'] as const) {
      const d = await device(size, 'dark' in point && point.dark);
      try {
        await shots[point.name]!(env, d.page, size);
        const file = path.join(env.out, `${pad(point.n)}-${point.name}-${size}.png`);
        await d.page.screenshot({ path: file });
        console.log(file);
      } catch (err) {
        console.error(`${point.name} ${size}: ${(err as Error).message}`);
      } finally {
        await d.close();
      }
    }
  }
  writeFileSync(path.join(env.out, 'axe.json'), JSON.stringify(env.axe, null, 2));
}

async function run(): Promise<void> {
  const repo = path.resolve(values.repo ?? HERE);
  const out = path.resolve(values.out ?? 'screenshots');
  if (!existsSync(path.join(repo, 'apps/mobile/dist/index.html'))) throw new Error(`Build the web app of ${repo} first (npm run build:web there)`);
  mkdirSync(out, { recursive: true });
  const llm = await startScriptedLlmServer({ whenExhausted: { type: 'text', text: 'Noted.' } });
  let plain: Server | undefined;
  let model: Server | undefined;
  try {
    plain = await startServer(repo, {});
    model = await startServer(repo, { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'scripted-model', LLM_API_KEY: 'test-key' });
    const env: Env = { repo, out, plain, model, llm, axe: {} };
    await shoot(env);
    writeFileSync(path.join(out, 'label.txt'), values.label ?? path.basename(repo));
  } finally {
    await plain?.close();
    await model?.close();
    await llm.close();
  }
}

/** What each pair shows (one line; the README of the images says the same). */
const CAPTIONS: Record<number, string> = {
  1: 'A model reply in Markdown. After: heading, lists with a hanging indent, strikethrough, a table, a quote, a code block with a Copy button and a safe link. Before: the raw text (only bold and inline code were drawn).',
  2: 'Scrolled up while a message and its reply arrive from another device. After: a "Jump to latest (2 new)" button. Before: nothing tells that new messages came.',
  3: 'After: every message has Copy, model replies Regenerate, and Delete (confirmed in the app\'s own dialog); the reply was just copied (the check mark). Before: no actions.',
  4: 'A reply is streaming and eight lines are typed. After: the composer grows (to about 40 % of the screen, then scrolls) and Stop ends the reply. Before: a three-line box, no Stop.',
  5: 'Signing in with the password left empty. After: a plain sentence under the field. Before: the validator\'s wording.',
  6: 'Messages of three days. After: day separators, and @cal\'s reply uses the 12-hour clock of the app ("2 pm–3 pm"). Before: no separators, and the reply in 24-hour time while the app shows AM/PM.',
  7: 'After: week view (desktop) and month view (phone) beside the agenda, Add event, no Refresh button (it updates live). Before: the 14-day agenda only.',
  8: 'After: time zone, time format (12/24-hour) and change password with Show, on the Account screen. Before: none of them.',
  9: 'After: on the phone a header with the screen title, the connection state and Back to Settings, and icons on the tabs ("Connect Google" is gone: this server has no Google configured). Desktop keeps the sidebar. Before: no header, text-only tabs.',
  10: 'The pink numbers, drawn onto the screenshot, are the order in which a screen reader reads the messages (document order). After: top to bottom, and the composer has focus on load. Before: newest first.',
};

/** One image per point and size: the two shots side by side, with a caption. */
async function compose(): Promise<void> {
  const before = path.resolve(values.before ?? '');
  const after = path.resolve(values.after ?? '');
  const out = path.resolve(values.out ?? 'docs/screenshots');
  mkdirSync(out, { recursive: true });
  const label = (dir: string, fallback: string) => (existsSync(path.join(dir, 'label.txt')) ? readFileSync(path.join(dir, 'label.txt'), 'utf8').trim() : fallback);
  const axe = (dir: string) => (existsSync(path.join(dir, 'axe.json')) ? (JSON.parse(readFileSync(path.join(dir, 'axe.json'), 'utf8')) as Record<string, number>) : {});
  const axeBefore = axe(before);
  const axeAfter = axe(after);
  const profile = mkdtempSync(path.join(tmpdir(), 'lifeos-shots-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: systemBinary('chromium'), headless: true, args: CHROMIUM_ARGS, viewport: { width: 1200, height: 800 } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    for (const point of POINTS) {
      for (const size of ['desktop', 'phone'] as const) {
        const name = `${pad(point.n)}-${point.name}-${size}.png`;
        if (!existsSync(path.join(before, name)) || !existsSync(path.join(after, name))) {
          console.warn(`missing ${name}`);
          continue;
        }
        const width = size === 'desktop' ? 900 : 390;
        const height = Math.round(width * (size === 'desktop' ? DESKTOP.height / DESKTOP.width : PHONE.height / PHONE.width));
        let caption = CAPTIONS[point.n] ?? '';
        if (point.n === 10 && axeBefore.total !== undefined && axeAfter.total !== undefined) {
          caption += ` axe-core on ${Object.keys(axeAfter).length - 1} screens, serious and critical violations: before ${axeBefore.total}, after ${axeAfter.total}.`;
        }
        const img = (dir: string) => pathToFileURL(path.join(dir, name)).href;
        const html = `<!doctype html><html><head><style>
          body { margin: 0; font: 15px/1.35 system-ui, sans-serif; background: #f4f4f5; color: #18181b; }
          .wrap { display: inline-block; padding: 14px 16px 16px; }
          h1 { font-size: 17px; margin: 0 0 4px; }
          p { margin: 0 0 10px; max-width: ${2 * width + 24}px; color: #3f3f46; }
          .row { display: flex; gap: 24px; }
          figure { margin: 0; }
          figcaption { font-weight: 600; margin-bottom: 6px; }
          img { display: block; width: ${width}px; height: ${height}px; border: 1px solid #a1a1aa; }
        </style></head><body><div class="wrap">
          <h1>${point.n}. ${point.title} — ${size === 'desktop' ? 'desktop 1366×860' : 'phone 390×844, touch'}${'dark' in point && point.dark ? ', dark' : ''}</h1>
          <p>${caption.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>
          <div class="row">
            <figure><figcaption>Before (${label(before, 'before')})</figcaption><img src="${img(before)}"></figure>
            <figure><figcaption>After (${label(after, 'after')})</figcaption><img src="${img(after)}"></figure>
          </div></div></body></html>`;
        const file = path.join(tmpdir(), `lifeos-compose-${process.pid}.html`);
        writeFileSync(file, html);
        await page.goto(pathToFileURL(file).href);
        await page.waitForLoadState('load');
        const wrap = page.locator('.wrap');
        await wrap.screenshot({ path: path.join(out, name), scale: 'css' });
        rmSync(file, { force: true });
        console.log(path.join(out, name));
      }
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await (values.compose ? compose() : run());
