// One Web Push message: the payload encrypted for the browser's keys (RFC 8291,
// aes128gcm) and the request signed with our VAPID key (RFC 8292), sent to the
// push service the browser chose.
import webpush from 'web-push';
import type { PushPayload } from '@lifeos/contract';

export type WebPushTarget = { endpoint: string; p256dh: string; auth: string };
export type Vapid = { publicKey: string; privateKey: string; subject: string };

/** What the push service answered: delivered, gone (the subscription is dead), or try again later. */
export type SendOutcome = { kind: 'sent' } | { kind: 'gone'; status: number } | { kind: 'retry'; status: number | null; detail: string } | { kind: 'rejected'; status: number };

/** A day: a reminder nobody saw within a day is not worth showing. */
const TTL_SECONDS = 86_400;
const TIMEOUT_MS = 10_000;

/** `options.fetch`: the host policy's fetch (every connection to a checked address; the push service is a URL a browser chose). */
export async function sendWebPush(
  target: WebPushTarget,
  payload: PushPayload,
  vapid: Vapid,
  options: { urgency?: 'normal' | 'high'; fetch?: typeof globalThis.fetch } = {},
): Promise<SendOutcome> {
  const details = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, JSON.stringify(payload), {
    vapidDetails: vapid,
    TTL: TTL_SECONDS,
    urgency: options.urgency ?? 'high',
    contentEncoding: 'aes128gcm',
  });
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(details.endpoint, {
      method: 'POST',
      headers: Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k, String(v)])),
      body: details.body ? new Uint8Array(details.body) : null,
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    return { kind: 'retry', status: null, detail: err instanceof Error ? err.message : String(err) };
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return { kind: 'sent' };
  if (res.status === 404 || res.status === 410) return { kind: 'gone', status: res.status };
  if (res.status === 429 || res.status >= 500) return { kind: 'retry', status: res.status, detail: `push service answered ${res.status}` };
  return { kind: 'rejected', status: res.status };
}
