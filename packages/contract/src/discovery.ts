import * as z from 'zod';

/** What this server can do, so clients show only what works (no secrets, no sign-in needed). */
export const ServerFeatures = z
  .object({
    features: z.object({
      /** "Connect Google" (Gmail and Google Calendar) is configured. */
      google: z.boolean(),
      /** A language model answers (otherwise the built-in engine); needed for memory from ordinary messages. */
      languageModel: z.boolean(),
      /** POST /api/auth/password/forgot can send mail. */
      passwordReset: z.boolean(),
    }),
  })
  .meta({ id: 'ServerFeatures' });
export type ServerFeatures = z.infer<typeof ServerFeatures>;
