import * as z from 'zod';

export const DeleteAccountBody = z.object({ password: z.string().min(1).max(256) });

/** The export is open-ended: each feature adds its own section. */
export const AccountExport = z
  .object({ exportedAt: z.string(), user: z.record(z.string(), z.unknown()) })
  .catchall(z.unknown())
  .meta({ id: 'AccountExport' });
