import * as z from 'zod';
import { BriefingSettings, DEFAULT_BRIEFING } from './briefing.ts';
import { IsoDateTime, TimeZone, Uuid } from './common.ts';

export const Email = z
  .string()
  .trim()
  .max(255)
  .pipe(z.email({ message: 'Must be a valid email address' }))
  .transform((e) => e.toLowerCase());

export const Password = z.string().min(8, 'Must be at least 8 characters').max(256, 'Must be at most 256 characters');

export const TimeFormat = z.enum(['24h', '12h']).meta({ id: 'TimeFormat' });
export type TimeFormat = z.infer<typeof TimeFormat>;

export const UserSettings = z
  .object({
    /** With a model configured, facts in ordinary messages (not only those to @mem) are remembered. Off by default. */
    memoryExtraction: z.boolean(),
    /** Absent from servers that predate it: read as off. */
    briefing: BriefingSettings.default(() => ({ ...DEFAULT_BRIEFING })),
    /** How times are written, in the app and in the agents' replies. */
    timeFormat: TimeFormat,
  })
  .meta({ id: 'UserSettings' });
export type UserSettings = z.infer<typeof UserSettings>;

export const User = z
  .object({
    id: Uuid,
    email: z.string(),
    username: z.string().nullable(),
    timezone: z.string(),
    createdAt: IsoDateTime,
    settings: UserSettings,
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof User>;

export const AuthResponse = z
  .object({
    user: User,
    accessToken: z.string(),
    accessTokenExpiresAt: IsoDateTime,
    refreshToken: z.string(),
  })
  .meta({ id: 'AuthResponse' });
export type AuthResponse = z.infer<typeof AuthResponse>;

const Username = z.string().trim().min(1).max(100);
const DeviceName = z.string().trim().min(1).max(100);

export const RegisterBody = z.object({
  email: Email,
  password: Password,
  username: Username.optional(),
  timezone: TimeZone.optional(),
  deviceName: DeviceName.optional(),
  /** Needed when the server's REGISTRATION is `invite` (except for its first user). */
  inviteCode: z.string().trim().min(1).max(100).optional(),
  /** The client's locale's clock; without it, the request's Accept-Language decides (else 24h). */
  settings: z.object({ timeFormat: TimeFormat.optional() }).optional(),
  /** The same as `settings.timeFormat` (either is accepted). */
  timeFormat: TimeFormat.optional(),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.object({
  email: Email,
  password: z.string().min(1).max(256),
  deviceName: DeviceName.optional(),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(512) });

export const UpdateMeBody = z
  .object({
    username: Username.nullable().optional(),
    timezone: TimeZone.optional(),
    settings: z.object({ memoryExtraction: z.boolean().optional(), briefing: BriefingSettings.optional(), timeFormat: TimeFormat.optional() }).strict().optional(),
    /** The same as `settings.timeFormat` (either is accepted). */
    timeFormat: TimeFormat.optional(),
  })
  .strict();
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

export const MeResponse = z.object({ user: User });

export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: Password,
});

export const Session = z
  .object({
    id: Uuid,
    deviceName: z.string().nullable(),
    createdAt: IsoDateTime,
    lastUsedAt: IsoDateTime,
    expiresAt: IsoDateTime,
    current: z.boolean(),
  })
  .meta({ id: 'Session' });
export type Session = z.infer<typeof Session>;

export const SessionsResponse = z.object({ sessions: z.array(Session) });
