import { CreatePushSubscriptionBody, IdParams, PushConfigResponse, PushSubscriptionResponse, PushSubscriptionsResponse } from '@lifeos/contract';
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/api.ts';
import { createLimiter } from '../../http/rate-limit.ts';
import * as push from './push.service.ts';

const tag = 'Push';

export function registerPushRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/api/push/config',
      tag,
      summary: 'What push this server offers: the VAPID public key for Web Push (null when off), and whether Expo push is on',
      description: 'Needs no token: the key is public by design (browsers send it to their push service).',
      auth: false,
      responses: { 200: PushConfigResponse },
    },
    async () => ({ status: 200, body: push.pushConfig(ctx) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/push/subscriptions',
      tag,
      summary: "Your devices that get notifications (subscriptions of signed-in sessions); `current` marks the caller's",
      responses: { 200: PushSubscriptionsResponse },
    },
    async ({ auth }) => ({ status: 200, body: { subscriptions: await push.listSubscriptions(ctx, auth) } }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/push/subscriptions',
      tag,
      summary: "Turn on notifications for this session's device: a Web Push subscription or an Expo push token",
      description:
        'The same endpoint or token again answers 200 with the same id. The subscription belongs to the calling session: logging out or revoking that session ends it. In production an endpoint must be https on a public host.',
      body: CreatePushSubscriptionBody,
      responses: { 200: PushSubscriptionResponse, 201: PushSubscriptionResponse },
      errors: [503],
    },
    async ({ auth, body }) => {
      const { subscription, created } = await push.subscribe(ctx, auth, body);
      return { status: created ? 201 : 200, body: { subscription } };
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/api/push/subscriptions/:id',
      tag,
      summary: 'Stop notifications to one device',
      params: IdParams,
      responses: { 204: null },
      errors: [404],
    },
    async ({ auth, params }) => {
      await push.unsubscribe(ctx, auth.userId, params.id);
      return { status: 204 };
    },
  );

  const testLimit = createLimiter(ctx, 'push-test', { windowMs: 60_000, limit: 10, keyGenerator: (_req, res) => String(res.locals.auth?.userId) });
  api.route(
    {
      method: 'post',
      path: '/api/push/test',
      tag,
      summary: 'Send a test notification to each of your devices with notifications on',
      responses: { 202: z.object({ subscriptions: z.number().int().meta({ description: 'How many devices it was sent to' }) }) },
      errors: [429],
      before: [testLimit],
    },
    async ({ auth }) => ({ status: 202, body: { subscriptions: await push.sendTestNotification(ctx, auth) } }),
  );
}
