export type TimeFormat = '24h' | '12h';

/** The user's clock: their time zone and 24- or 12-hour times (User.settings.timeFormat). */
export type Clock = { timeZone?: string | undefined; timeFormat?: TimeFormat | undefined };

const hour12 = (clock: Clock) => (clock.timeFormat ? clock.timeFormat === '12h' : undefined);

/** "14:05" or "2:05 PM" in the user's time zone. */
export function formatTime(iso: string, timeZone?: string, timeFormat?: TimeFormat): string {
  return new Intl.DateTimeFormat(undefined, { hour: timeFormat === '12h' ? 'numeric' : '2-digit', minute: '2-digit', timeZone, hour12: hour12({ timeFormat }) }).format(
    new Date(iso),
  );
}

/** "Tue, 1 Dec" in the user's time zone. */
export function formatDay(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone }).format(new Date(iso));
}

/** "1 Dec 2026, 14:05" in the user's time zone. */
export function formatDateTime(iso: string, timeZone?: string, timeFormat?: TimeFormat): string {
  return new Intl.DateTimeFormat(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: timeFormat === '12h' ? 'numeric' : '2-digit',
    minute: '2-digit',
    timeZone,
    hour12: hour12({ timeFormat }),
  }).format(new Date(iso));
}

/** "Tuesday, 1 December 2026 at 14:05": the full date and time (a message's tooltip). */
export function formatFullDateTime(iso: string, timeZone?: string, timeFormat?: TimeFormat): string {
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone,
    hour12: hour12({ timeFormat }),
  }).format(new Date(iso));
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone, to group an agenda. */
export function dayKey(iso: string, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** "Today", "Yesterday", or "Mon 30 Nov" (with the year when it is not this year): a day separator in the chat. */
export function dayLabel(iso: string, now: Date, timeZone?: string): string {
  const day = dayKey(iso, timeZone);
  if (day === dayKey(now.toISOString(), timeZone)) return 'Today';
  if (day === dayKey(new Date(now.getTime() - 86_400_000).toISOString(), timeZone)) return 'Yesterday';
  const sameYear = day.slice(0, 4) === dayKey(now.toISOString(), timeZone).slice(0, 4);
  return new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }), timeZone })
    .format(new Date(iso))
    .replace(',', '');
}
