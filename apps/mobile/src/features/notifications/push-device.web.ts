// This browser's side of Web Push: the service worker (public/sw.js) and the
// PushManager subscription. Permission is asked only from a user's action.
import type { PushConfigResponse } from '@lifeos/contract';
import { PushDeviceError } from './notification-data';

export type DeviceSubscription = { kind: 'webpush'; endpoint: string; keys: { p256dh: string; auth: string } };

export function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** Whether this browser can receive notifications from this server. */
export function canReceive(config: PushConfigResponse | undefined): boolean {
  return pushSupported() && Boolean(config?.webPush);
}

export function registerServiceWorker(): Promise<ServiceWorkerRegistration> {
  return navigator.serviceWorker.register('/sw.js', { scope: '/' });
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** The endpoint this browser is subscribed with, if any (to tell which server-side subscription is ours). */
export async function currentEndpoint(): Promise<string | null> {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.getRegistration('/');
  const sub = await registration?.pushManager.getSubscription();
  return sub?.endpoint ?? null;
}

/** Asks for permission (call it from a button press) and subscribes with the server's VAPID key. */
export async function subscribeDevice(config: { webPush: { publicKey: string } | null }): Promise<DeviceSubscription> {
  if (!pushSupported() || !config.webPush) throw new PushDeviceError('This browser cannot receive notifications from this server.');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new PushDeviceError('Notifications are blocked for this site in the browser settings.');
  const registration = await registerServiceWorker();
  await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  const sub = existing ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(config.webPush.publicKey) }));
  const json = sub.toJSON() as { endpoint?: string; keys?: { p256dh?: string; auth?: string } };
  if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) throw new PushDeviceError('The browser gave an incomplete push subscription.');
  return { kind: 'webpush', endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } };
}

export async function unsubscribeDevice(): Promise<void> {
  if (!pushSupported()) return;
  const registration = await navigator.serviceWorker.getRegistration('/');
  await (await registration?.pushManager.getSubscription())?.unsubscribe();
}
