/// <reference lib="dom" />
// Callbacks passed to page.evaluate() run in the browser: they use its types.
// End-to-end helpers: the real server (`apps/server/src/main.ts`, PGlite in a
// fresh data folder) serving the built web app, driven by Debian's Chromium
// through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { systemBinary } from '../../server/test/helpers/system-servers.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WEB_DIR = path.join(REPO_ROOT, 'apps/mobile/dist');
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1366, height: 860 };

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

export type RunningServer = { url: string; close(): Promise<void>; output(): string };

/** `npm start`'s entry point on a free port with an empty PGlite database. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  if (!existsSync(path.join(WEB_DIR, 'index.html'))) throw new Error('Build the web app first: npm run build:web');
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lifeos-e2e-data-'));
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['apps/server/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'development', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, WEB_DIR, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  // A busy machine can take a while to start PGlite and the server.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`server exited: ${output}`);
    }
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // Nothing of a fixture that did not start stays behind.
      await close();
      throw new Error(`server did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, output: () => output, close };
}

export type Browser = { context: BrowserContext; page: Page; errors: string[]; close(): Promise<void> };

/** A fresh browser profile (one "device"). */
export async function launchBrowser(
  options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; touch?: boolean; timezoneId?: string; locale?: string } = {},
): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'lifeos-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: systemBinary('chromium'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
    locale: options.locale ?? 'en-US',
    timezoneId: options.timezoneId ?? 'Europe/Berlin',
    // A phone: touch, and CSS sees a coarse pointer.
    ...(options.touch ? { hasTouch: true, isMobile: true } : {}),
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A blocked script or style (Content-Security-Policy) or a crash shows here.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const composer = (page: Page): Locator => page.getByLabel('Message', { exact: true });

let counter = 0;
export function newAccount() {
  counter += 1;
  return { email: `e2e-${Date.now()}-${counter}@example.test`, password: 'correct horse battery staple' };
}

export async function register(page: Page, baseUrl: string, account: { email: string; password: string }, name?: string): Promise<void> {
  await page.goto(`${baseUrl}/register`);
  if (name) await page.getByLabel('Name (optional)').fill(name);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await composer(page).waitFor({ timeout: 20_000 });
}

export async function login(page: Page, baseUrl: string, account: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await composer(page).waitFor({ timeout: 20_000 });
}

/** Types a message and sends it with Enter, as a keyboard user does. */
export async function send(page: Page, text: string): Promise<void> {
  const box = composer(page);
  await box.click();
  await box.fill(text);
  await box.press('Enter');
}

/** Answers the app's own confirmation dialog with its (red) confirm button; a browser dialog would fail the test. */
export async function confirmInApp(page: Page): Promise<void> {
  page.once('dialog', (dialog) => {
    throw new Error(`unexpected browser dialog: ${dialog.message()}`);
  });
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor();
  await dialog.getByTestId('confirm-ok').click();
  await dialog.waitFor({ state: 'detached' });
}

/** The assistant bubbles that contain `text`. */
export const replyWith = (page: Page, text: string | RegExp): Locator => page.getByTestId('message-assistant').filter({ hasText: text });
export const userMessage = (page: Page, text: string): Locator => page.getByTestId('message-user').filter({ hasText: text });

/** The access token this browser holds (to check the server's side of things). */
export async function accessToken(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(localStorage.getItem('lifeos.session') ?? '{}') as { accessToken: string }).accessToken);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(ARTIFACTS, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Waits until `check` holds (polling), like a locator wait for things a locator cannot express. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[]; html: string }[] };

/**
 * Runs axe-core (WCAG 2.x A and AA rules) on the page as it is now; returns the
 * serious and critical violations. Injected through the debugger protocol, so
 * the page's Content-Security-Policy stays as users get it.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(`${AXE_SOURCE}\n;0`);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, html: n.html.slice(0, 160) })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
