import * as z from 'zod';

/** A UUID as the API sends and accepts it. */
export const Uuid = z.uuid().meta({ description: 'A UUID', example: '6f1c2b1e-8a4e-4c5e-9d3b-2f1a7c9e0b11' });

/** An ISO 8601 instant in UTC, as every timestamp in responses. */
export const IsoDateTime = z.iso.datetime({ offset: true }).meta({
  description: 'ISO 8601 timestamp',
  example: '2026-12-01T15:00:00.000Z',
});

/** A non-blank string of at most `max` characters. */
export const nonBlank = (max: number) =>
  z.string().max(max).refine((s) => s.trim().length > 0, { message: 'Must not be empty or only white space' });

export const IdParams = z.object({ id: Uuid });

export const isValidTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** An IANA time zone name such as `Europe/Berlin`. */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, { message: 'Unknown time zone (use an IANA name such as Europe/Berlin)' })
  .meta({ description: 'IANA time zone name', example: 'Europe/Berlin' });
