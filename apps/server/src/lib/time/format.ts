// The one place agents turn an instant into a clock time for a reply, in the
// user's zone and their chosen clock (User.settings.timeFormat; 24-hour when unset).
import { zoned } from './zoned-time.ts';

export type TimeFormat = '24h' | '12h';

/** The user's clock preference from their settings, 24-hour by default. */
export function timeFormatOf(settings: { timeFormat?: unknown } | null | undefined): TimeFormat {
  return settings?.timeFormat === '12h' ? '12h' : '24h';
}

/** "14:30" or "2:30 pm"; a whole hour in 12-hour form is "2 pm". */
export function formatClock(instant: Date, timeZone: string, format: TimeFormat = '24h'): string {
  const d = zoned(instant, timeZone);
  if (format === '24h') return d.toFormat('HH:mm');
  const hour = d.hour % 12 === 0 ? 12 : d.hour % 12;
  const suffix = d.hour < 12 ? 'am' : 'pm';
  return d.minute === 0 ? `${hour} ${suffix}` : `${hour}:${String(d.minute).padStart(2, '0')} ${suffix}`;
}
