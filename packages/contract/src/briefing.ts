import * as z from 'zod';

/** The daily briefing: at `time` (HH:MM on the user's wall clock) a message with the day's events, reminders and important mail. */
export const BriefingSettings = z
  .object({
    enabled: z.boolean(),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Must be a time such as 07:30'),
  })
  .meta({ id: 'BriefingSettings' });
export type BriefingSettings = z.infer<typeof BriefingSettings>;

/** Off until the user turns it on; 07:30 is offered as the time. */
export const DEFAULT_BRIEFING: BriefingSettings = { enabled: false, time: '07:30' };
