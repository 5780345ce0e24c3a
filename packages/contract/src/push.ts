import * as z from 'zod';
import { IsoDateTime, Uuid } from './common.ts';

export const PushConfigResponse = z
  .object({
    webPush: z.object({ publicKey: z.string().meta({ description: 'VAPID public key (base64url), the applicationServerKey' }) }).nullable(),
    expo: z.boolean().meta({ description: 'Whether the server sends Expo push notifications to native apps' }),
  })
  .meta({ id: 'PushConfig' });
export type PushConfigResponse = z.infer<typeof PushConfigResponse>;

const Base64Url = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+={0,2}$/, 'Must be base64url');

export const CreatePushSubscriptionBody = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('webpush'),
      endpoint: z.url({ protocol: /^https?$/ }).max(2000),
      keys: z.object({ p256dh: Base64Url(200), auth: Base64Url(100) }),
    }),
    z.object({
      kind: z.literal('expo'),
      token: z.string().max(200).regex(/^(Expo|Exponent)PushToken\[[^\]]+\]$/, 'Must be an Expo push token such as ExponentPushToken[…]'),
    }),
  ])
  .meta({
    id: 'CreatePushSubscription',
    example: {
      kind: 'webpush',
      endpoint: 'https://push.example.test/send/abc123',
      keys: { p256dh: 'BP2Kpg_d_DsrcfrRKtUnj44Qc6EYMFLBqiNkLSjWtc5rkS7iF5_Tr17YfQplTtsLFmEd0TvcDXrvdzfWXDGX0ZY', auth: 'x6uV1Zg0SMvVQ4ciTbQ3yw' },
    },
  });
export type CreatePushSubscriptionBody = z.infer<typeof CreatePushSubscriptionBody>;

export const PushSubscription = z
  .object({
    id: Uuid,
    kind: z.enum(['webpush', 'expo']),
    createdAt: IsoDateTime,
    sessionId: Uuid.meta({ description: 'The session (device) it belongs to; ending the session removes it' }),
    current: z.boolean().meta({ description: 'Made by the session asking' }),
  })
  .meta({ id: 'PushSubscription' });
export type PushSubscription = z.infer<typeof PushSubscription>;

export const PushSubscriptionResponse = z.object({ subscription: PushSubscription });
export const PushSubscriptionsResponse = z.object({ subscriptions: z.array(PushSubscription) });

/** The JSON a Web Push notification carries (decrypted by the service worker). */
export const PushPayload = z
  .object({ title: z.string(), body: z.string(), url: z.string(), messageId: Uuid.nullable() })
  .meta({ id: 'PushPayload' });
export type PushPayload = z.infer<typeof PushPayload>;

/** The Android notification channel the app makes and the server's Expo pushes name (reminders and briefings). */
export const ANDROID_NOTIFICATION_CHANNEL = 'lifeos';
