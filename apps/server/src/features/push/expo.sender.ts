// Expo push for the native app: one message to Expo's push API, which answers
// with a ticket; the receipt, read later, says whether the device got it.
// DeviceNotRegistered in either means the app is gone from that device.
import { Expo, type ExpoPushMessage } from 'expo-server-sdk';
import { Agent, type Dispatcher } from 'undici';
import { ANDROID_NOTIFICATION_CHANNEL, type PushPayload } from '@lifeos/contract';

export type ExpoSettings = { accessToken: string | undefined; url: string };
export type TicketOutcome = { kind: 'sent'; receiptId: string | null } | { kind: 'gone' } | { kind: 'rejected'; detail: string };
export type ReceiptOutcome = { kind: 'ok' } | { kind: 'gone' } | { kind: 'pending' } | { kind: 'failed'; detail: string };

const EXPO_ORIGIN = 'https://exp.host';
const clients = new Map<string, Expo>();

/** The SDK always talks to exp.host; another base URL (a test server) is reached by rewriting the origin. */
function client(settings: ExpoSettings): Expo {
  const key = `${settings.url}\n${settings.accessToken ?? ''}`;
  let expo = clients.get(key);
  if (!expo) {
    const base = new URL(settings.url);
    const httpAgent: Dispatcher | undefined =
      base.origin === EXPO_ORIGIN
        ? undefined
        : new Agent().compose((dispatch) => (opts, handler) => dispatch({ ...opts, origin: base.origin, path: `${base.pathname.replace(/\/$/, '')}${opts.path}` }, handler));
    expo = new Expo({ ...(settings.accessToken ? { accessToken: settings.accessToken } : {}), ...(httpAgent ? { httpAgent } : {}) });
    clients.set(key, expo);
  }
  return expo;
}

export async function sendExpoPush(token: string, payload: PushPayload, settings: ExpoSettings): Promise<TicketOutcome> {
  const message: ExpoPushMessage = {
    to: token,
    title: payload.title,
    body: payload.body,
    data: { url: payload.url, messageId: payload.messageId },
    sound: 'default',
    priority: 'high',
    // Android: the app's channel (made before it asks for permission), not Expo's fallback "Miscellaneous".
    channelId: ANDROID_NOTIFICATION_CHANNEL,
    ttl: 86_400,
  };
  // Network failures and 429/5xx throw (after the SDK's own short retries): the job retries.
  const [ticket] = await client(settings).sendPushNotificationsAsync([message]);
  if (!ticket) return { kind: 'rejected', detail: 'no ticket' };
  if (ticket.status === 'ok') return { kind: 'sent', receiptId: ticket.id ?? null };
  if (ticket.details?.error === 'DeviceNotRegistered') return { kind: 'gone' };
  return { kind: 'rejected', detail: ticket.details?.error ?? ticket.message };
}

export async function checkExpoReceipt(receiptId: string, settings: ExpoSettings): Promise<ReceiptOutcome> {
  const receipts = await client(settings).getPushNotificationReceiptsAsync([receiptId]);
  const receipt = receipts[receiptId];
  if (!receipt) return { kind: 'pending' };
  if (receipt.status === 'ok') return { kind: 'ok' };
  if (receipt.details?.error === 'DeviceNotRegistered') return { kind: 'gone' };
  return { kind: 'failed', detail: receipt.details?.error ?? receipt.message };
}
