import * as z from 'zod';
import type { StoredSession } from './api-client';

export const SESSION_KEY = 'lifeos.session';

const StoredSessionSchema = z.object({
  accessToken: z.string().min(1),
  accessTokenExpiresAt: z.string(),
  refreshToken: z.string().min(1),
});

/** Reads what a token store kept; anything unreadable counts as signed out. */
export function parseStoredSession(raw: string | null): StoredSession | null {
  if (!raw) return null;
  try {
    const parsed = StoredSessionSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
