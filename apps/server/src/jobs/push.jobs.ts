// Sending push notifications in the background: one job per subscription, so a
// slow or failing push service delays only its own devices. 429 and 5xx answers
// (and network failures) throw, and pg-boss retries with exponential backoff.
import type { PushPayload } from '@lifeos/contract';
import type { AppContext } from '../context.ts';
import { logEvent } from '../lib/events.ts';
import { checkExpoReceipt, sendExpoPush } from '../features/push/expo.sender.ts';
import { sendWebPush } from '../features/push/web-push.sender.ts';
import type { QueueDefinition } from './job-queue.ts';
import { hostPolicy } from '../features/connections/connections.service.ts';
import { safeFetch } from '../lib/host-policy.ts';

export class PushRetryError extends Error {
  override name = 'PushRetryError';
}

export const pushDeliverQueue: QueueDefinition<{ subscriptionId: string; payload: PushPayload }> = {
  name: 'lifeos.push.deliver',
  retryLimit: 6,
  retryDelay: 5,
  retryDelayMax: 600,
  expireInSeconds: 120,
  async run(ctx, { subscriptionId, payload }) {
    // Imported here: the push service enqueues this job, so a static import would be a cycle at load.
    const push = await import('../features/push/push.service.ts');
    const sub = await push.findLiveSubscription(ctx, subscriptionId);
    if (!sub) return;
    if (sub.kind === 'expo') {
      const outcome = await sendExpoPush(sub.endpoint, payload, ctx.config.push.expo);
      if (outcome.kind === 'gone') return push.removeDeadSubscription(ctx, sub, 'DeviceNotRegistered');
      if (outcome.kind === 'rejected') {
        logEvent(ctx, 'push.failed', { userId: sub.userId, subscriptionId: sub.id, kind: 'expo', detail: outcome.detail });
        return;
      }
      await push.markSent(ctx, sub.id);
      logEvent(ctx, 'push.sent', { userId: sub.userId, subscriptionId: sub.id, kind: 'expo' });
      if (outcome.receiptId) {
        await ctx.jobs.send(expoReceiptQueue, { subscriptionId: sub.id, receiptId: outcome.receiptId }, { startAfterSeconds: ctx.config.push.expo.receiptDelaySeconds });
      }
      return;
    }
    const vapid = ctx.config.push.vapid;
    if (!vapid || !sub.p256dh || !sub.auth) return;
    // The endpoint's host is checked again at send time: its name may point elsewhere by now.
    const problem = await push.endpointProblem(ctx, sub.endpoint);
    if (problem) {
      logEvent(ctx, 'push.failed', { userId: sub.userId, subscriptionId: sub.id, kind: 'webpush', detail: problem });
      return;
    }
    const outcome = await sendWebPush({ endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth }, payload, vapid, { fetch: safeFetch(hostPolicy(ctx)) });
    switch (outcome.kind) {
      case 'sent':
        await push.markSent(ctx, sub.id);
        logEvent(ctx, 'push.sent', { userId: sub.userId, subscriptionId: sub.id, kind: 'webpush' });
        return;
      case 'gone':
        return push.removeDeadSubscription(ctx, sub, `push service answered ${outcome.status}`);
      case 'retry':
        throw new PushRetryError(outcome.detail);
      case 'rejected':
        logEvent(ctx, 'push.failed', { userId: sub.userId, subscriptionId: sub.id, kind: 'webpush', detail: `push service answered ${outcome.status}` });
        return;
    }
  },
};

/** Expo's receipt for a ticket, read once Expo has tried the device: DeviceNotRegistered removes the token. */
export const expoReceiptQueue: QueueDefinition<{ subscriptionId: string; receiptId: string }> = {
  name: 'lifeos.push.expo-receipt',
  retryLimit: 4,
  retryDelay: 60,
  retryDelayMax: 3600,
  expireInSeconds: 120,
  async run(ctx: AppContext, { subscriptionId, receiptId }) {
    const push = await import('../features/push/push.service.ts');
    const sub = await push.findLiveSubscription(ctx, subscriptionId);
    if (!sub) return;
    const receipt = await checkExpoReceipt(receiptId, ctx.config.push.expo);
    if (receipt.kind === 'pending') throw new PushRetryError('receipt not ready');
    if (receipt.kind === 'gone') return push.removeDeadSubscription(ctx, sub, 'DeviceNotRegistered');
    if (receipt.kind === 'failed') logEvent(ctx, 'push.failed', { userId: sub.userId, subscriptionId: sub.id, kind: 'expo', detail: receipt.detail });
  },
};

export const queues: QueueDefinition<never>[] = [pushDeliverQueue, expoReceiptQueue] as unknown as QueueDefinition<never>[];
