// The LifeOS service worker: shows pushed notifications (a reminder, the daily
// briefing, a test) and, on a click, opens the chat at that message, in an open
// LifeOS window when there is one. Nothing is cached: the app works online.
/* eslint-env serviceworker */

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** The payload the server sends: { title, body, url, messageId } (JSON, decrypted by the browser). */
function readPayload(event) {
  try {
    const data = event.data ? event.data.json() : {};
    return data && typeof data === 'object' ? data : {};
  } catch {
    return { body: event.data ? event.data.text() : '' };
  }
}

/** Only paths of this app are opened, never another site named in a payload. */
function sameOriginUrl(url) {
  try {
    const target = new URL(url || '/', self.location.origin);
    return target.origin === self.location.origin ? target.href : self.location.origin + '/';
  } catch {
    return self.location.origin + '/';
  }
}

self.addEventListener('push', (event) => {
  const data = readPayload(event);
  const title = typeof data.title === 'string' && data.title ? data.title : 'LifeOS';
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === 'string' ? data.body : '',
      icon: '/icons/icon-192.png',
      badge: '/icons/badge-96.png',
      // One notification per message: a retried push replaces rather than repeats it.
      tag: data.messageId || undefined,
      data: { url: sameOriginUrl(data.url), messageId: data.messageId || null },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const url = sameOriginUrl(data.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) {
        // Focusing needs the click's user activation; a window that cannot be focused is still navigated.
        await open.focus().catch(() => undefined);
        const navigated = await open.navigate(url).catch(() => null);
        if (navigated) return undefined;
        // Not controlled by this worker (opened before it): the page moves itself to the message.
        open.postMessage({ type: 'lifeos.open', url, messageId: data.messageId || null });
        return undefined;
      }
      return self.clients.openWindow(url);
    })(),
  );
});
