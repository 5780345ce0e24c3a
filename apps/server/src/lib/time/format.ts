// The one place agents turn an instant into a clock time for a reply, in the
// user's zone and their chosen clock (User.settings.timeFormat; 24-hour when unset).
import { AsyncLocalStorage } from 'node:async_hooks';
import { zoned } from './zoned-time.ts';

export type TimeFormat = '24h' | '12h';

/** The user's clock preference from their settings, 24-hour by default. */
export function timeFormatOf(settings: { timeFormat?: unknown } | null | undefined): TimeFormat {
  return settings?.timeFormat === '12h' ? '12h' : '24h';
}

// The clock of the user an agent is answering, for every reply it writes during one run
// (set once by the runtime, so no formatter call site has to pass it along).
const replyClock = new AsyncLocalStorage<TimeFormat>();

/** Runs `fn` (an agent turn, a confirmed action) writing times in `format`. */
export function withTimeFormat<T>(format: TimeFormat, fn: () => T): T {
  return replyClock.run(format, fn);
}

/** "14:30" or "2:30 pm"; a whole hour in 12-hour form is "2 pm". Without `format`, the current run's clock (24-hour outside one). */
export function formatClock(instant: Date, timeZone: string, format?: TimeFormat): string {
  format ??= replyClock.getStore() ?? '24h';
  const d = zoned(instant, timeZone);
  if (format === '24h') return d.toFormat('HH:mm');
  const hour = d.hour % 12 === 0 ? 12 : d.hour % 12;
  const suffix = d.hour < 12 ? 'am' : 'pm';
  return d.minute === 0 ? `${hour} ${suffix}` : `${hour}:${String(d.minute).padStart(2, '0')} ${suffix}`;
}
