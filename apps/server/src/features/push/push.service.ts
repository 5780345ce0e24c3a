// Push subscriptions and notifications. A subscription belongs to the session
// that made it; notifications go out as background jobs (retried with backoff
// when the push service is busy or down).
import type { CreatePushSubscriptionBody, PushConfigResponse, PushPayload, PushSubscription } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { Tx } from '../../db/client.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { HttpError, notFound } from '../../http/errors.ts';
import { logEvent } from '../../lib/events.ts';
import { isIP } from 'node:net';
import { isPrivateAddress } from '../../lib/host-policy.ts';
import { pushDeliverQueue } from '../../jobs/push.jobs.ts';
import * as repo from './push.repo.ts';

export function pushConfig(ctx: AppContext): PushConfigResponse {
  return { webPush: ctx.config.push.vapid ? { publicKey: ctx.config.push.vapid.publicKey } : null, expo: ctx.config.push.expo.enabled };
}

export function toSubscription(row: repo.PushSubscriptionRow, currentSessionId: string | null): PushSubscription {
  return {
    id: row.id,
    kind: row.kind as PushSubscription['kind'],
    createdAt: row.createdAt.toISOString(),
    sessionId: row.sessionId,
    current: row.sessionId === currentSessionId,
  };
}

function invalid(path: string, message: string): HttpError {
  return new HttpError(400, 'validation_failed', `${path}: ${message}`, { errors: [{ path, message }] });
}

/**
 * A push endpoint is a URL the client chose, and the server will POST to it: in production
 * only https on public addresses (the same policy as mail and CalDAV hosts).
 */
export async function endpointProblem(ctx: AppContext, endpoint: string): Promise<string | null> {
  const url = new URL(endpoint);
  if (url.protocol !== 'https:' && !ctx.config.allowPrivateHosts) return 'Must be an https:// URL';
  if (url.username || url.password) return 'Must not carry credentials';
  if (ctx.config.allowPrivateHosts) return null;
  // The name is not resolved here (a push service's name may not resolve from every network at every
  // moment); every send goes through the host policy with the address checked when it connects.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isPrivateAddress(host)) return `${host} is not a public address`;
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || !host.includes('.')) return `${host} is not a public host`;
  return null;
}

export async function subscribe(
  ctx: AppContext,
  auth: AuthInfo,
  body: CreatePushSubscriptionBody,
): Promise<{ subscription: PushSubscription; created: boolean }> {
  let values: repo.NewPushSubscription;
  if (body.kind === 'webpush') {
    if (!ctx.config.push.vapid) throw new HttpError(503, 'service_unavailable', 'Web Push is not configured on this server');
    if (Buffer.from(body.keys.p256dh, 'base64url').length !== 65) throw invalid('keys.p256dh', 'Must be a P-256 public key (65 bytes, base64url)');
    if (Buffer.from(body.keys.auth, 'base64url').length !== 16) throw invalid('keys.auth', 'Must be a 16-byte secret (base64url)');
    const problem = await endpointProblem(ctx, body.endpoint);
    if (problem) throw invalid('endpoint', problem);
    values = { kind: 'webpush', endpoint: body.endpoint, p256dh: body.keys.p256dh, auth: body.keys.auth };
  } else {
    if (!ctx.config.push.expo.enabled) throw new HttpError(503, 'service_unavailable', 'Expo push is not enabled on this server');
    values = { kind: 'expo', endpoint: body.token, p256dh: null, auth: null };
  }
  const { row, created } = await repo.upsertSubscription(ctx.db, auth.userId, auth.sessionId, values, ctx.now());
  return { subscription: toSubscription(row, auth.sessionId), created };
}

export async function listSubscriptions(ctx: AppContext, auth: AuthInfo): Promise<PushSubscription[]> {
  return (await repo.listLiveSubscriptions(ctx.db, auth.userId, ctx.now())).map((r) => toSubscription(r, auth.sessionId));
}

export async function unsubscribe(ctx: AppContext, userId: string, id: string): Promise<void> {
  if (!(await repo.deleteSubscription(ctx.db, userId, id))) throw notFound('Push subscription');
}

export interface PushNote {
  title: string;
  body: string;
  messageId: string | null;
  url?: string;
}

/**
 * A notification to every device of the user that has push on; each is sent (and retried) on its own.
 * With `tx`, the pushes are enqueued in that transaction (with the message they announce).
 */
export async function notifyUser(ctx: AppContext, userId: string, note: PushNote, tx?: Tx): Promise<number> {
  const subscriptions = await repo.listLiveSubscriptions(tx ?? ctx.db, userId, ctx.now());
  const payload: PushPayload = {
    title: note.title.slice(0, 200),
    body: note.body.slice(0, 1000),
    url: note.url ?? (note.messageId ? `/?message=${note.messageId}` : '/'),
    messageId: note.messageId,
  };
  for (const sub of subscriptions) await ctx.jobs.send(pushDeliverQueue, { subscriptionId: sub.id, payload }, tx ? { tx } : {});
  return subscriptions.length;
}

export async function sendTestNotification(ctx: AppContext, auth: AuthInfo): Promise<number> {
  return notifyUser(ctx, auth.userId, { title: 'LifeOS', body: 'Notifications work on this device.', messageId: null });
}

/** The push service or Expo said the subscription is dead (404/410, DeviceNotRegistered). */
export async function removeDeadSubscription(ctx: AppContext, sub: repo.PushSubscriptionRow, reason: string): Promise<void> {
  await repo.deleteSubscription(ctx.db, sub.userId, sub.id);
  logEvent(ctx, 'push.subscription_removed', { userId: sub.userId, subscriptionId: sub.id, kind: sub.kind, reason });
}

export const findLiveSubscription = (ctx: AppContext, id: string) => repo.findLiveSubscription(ctx.db, id, ctx.now());
export const markSent = (ctx: AppContext, id: string) => repo.markSent(ctx.db, id);
export const pruneEndedSessionSubscriptions = (ctx: AppContext) => repo.pruneEndedSessions(ctx.db, ctx.now());
