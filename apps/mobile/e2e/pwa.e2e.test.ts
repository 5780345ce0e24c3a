// The installable web app in Chromium: the page links a valid manifest and the icons,
// the service worker registers, shows a pushed notification and, on a click, opens
// the chat at that message. No real push service is reachable here, so the worker's
// handlers get synthetic push and notificationclick events. (Code run inside the page and
// the worker is typed loosely: this project compiles without the DOM and worker libraries.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, startServer, type Browser, type RunningServer } from './helpers.ts';

function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('installable web app', () => {
  let server: RunningServer;
  let browser: Browser;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('when the page loads, then it links a manifest with standalone display, a theme colour and icons of the sizes browsers want', async () => {
    const html = await (await fetch(`${server.url}/`, { headers: { accept: 'text/html' } })).text();
    assert.match(html, /<link rel="manifest" href="\/manifest\.webmanifest"/);
    assert.match(html, /<link rel="apple-touch-icon" href="\/icons\/apple-touch-icon\.png"/);
    const res = await fetch(`${server.url}/manifest.webmanifest`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /manifest\+json/);
    const manifest = (await res.json()) as { display: string; theme_color: string; start_url: string; icons: Array<{ src: string; sizes: string; purpose: string }> };
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.theme_color, '#1d4ed8');
    assert.equal(manifest.start_url, '/');
    for (const want of ['192x192', '512x512']) assert.ok(manifest.icons.some((i) => i.sizes === want && i.purpose === 'any'), want);
    assert.ok(manifest.icons.some((i) => i.purpose === 'maskable'));
    for (const icon of [...manifest.icons, { src: '/icons/apple-touch-icon.png', sizes: '180x180' }]) {
      const png = await fetch(`${server.url}${icon.src}`);
      assert.equal(png.headers.get('content-type'), 'image/png', icon.src);
      const { width, height } = pngSize(new Uint8Array(await png.arrayBuffer()));
      assert.equal(`${width}x${height}`, icon.sizes, icon.src);
    }
  });

  it('when the service worker registers and a push arrives, then it shows the notification, and a click opens the chat at that message', async () => {
    const { context, page } = browser;
    await context.grantPermissions(['notifications'], { origin: server.url });
    await page.goto(`${server.url}/login`);
    const scope = await page.evaluate(async () => {
      const registration = await (navigator as any).serviceWorker.register('/sw.js', { scope: '/' });
      await (navigator as any).serviceWorker.ready;
      return registration.scope;
    });
    assert.equal(scope, `${server.url}/`);
    const worker = context.serviceWorkers().find((w) => w.url().endsWith('/sw.js')) ?? (await context.waitForEvent('serviceworker'));
    // The page came before the worker: wait until the worker controls it (clients.claim on activate).
    await page.waitForFunction(() => (navigator as any).serviceWorker.controller !== null, undefined, { timeout: 10_000 });

    const payload = { title: 'Reminder', body: 'Reminder: Stretch', url: '/?message=6f1c2b1e-8a4e-4c5e-9d3b-2f1a7c9e0b11', messageId: '6f1c2b1e-8a4e-4c5e-9d3b-2f1a7c9e0b11' };
    const shown = await worker.evaluate(async (data) => {
      const sw = globalThis as any;
      sw.dispatchEvent(new sw.PushEvent('push', { data: JSON.stringify(data) }));
      for (let i = 0; i < 50; i++) {
        const list = await sw.registration.getNotifications();
        if (list.length) return list.map((n: any) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
        await new Promise((r) => setTimeout(r, 100));
      }
      return [];
    }, payload);
    assert.deepEqual(shown, [{ title: 'Reminder', body: 'Reminder: Stretch', tag: payload.messageId, data: { url: `${server.url}${payload.url}`, messageId: payload.messageId } }]);

    await worker.evaluate(async () => {
      const sw = globalThis as any;
      const [notification] = await sw.registration.getNotifications();
      sw.dispatchEvent(new sw.NotificationEvent('notificationclick', { notification }));
    });
    await page.waitForURL(`${server.url}${payload.url}`, { timeout: 10_000 });
  });

  it('when a notification is clicked with no LifeOS window open, then a new window opens at the message, and never another site', async () => {
    const worker = browser.context.serviceWorkers().find((w) => w.url().endsWith('/sw.js'))!;
    const opened = await worker.evaluate(async () => {
      const sw = globalThis as any;
      const urls: string[] = [];
      // No window of ours is open, and opening one is recorded instead of done (the synthetic click carries no user activation).
      Object.defineProperty(sw.clients, 'matchAll', { value: async () => [] });
      Object.defineProperty(sw.clients, 'openWindow', { value: async (url: string) => (urls.push(url), null) });
      for (const url of ['/?message=abc', 'https://evil.example/phish']) {
        sw.dispatchEvent(new sw.PushEvent('push', { data: JSON.stringify({ title: url, body: '', url, messageId: null }) }));
        let found: any;
        for (let i = 0; i < 50 && !found; i++) {
          found = (await sw.registration.getNotifications()).find((n: any) => n.title === url);
          if (!found) await new Promise((r) => setTimeout(r, 100));
        }
        sw.dispatchEvent(new sw.NotificationEvent('notificationclick', { notification: found }));
        await new Promise((r) => setTimeout(r, 200));
      }
      return urls;
    });
    assert.deepEqual(opened, [`${server.url}/?message=abc`, `${server.url}/`]);
  });
});
