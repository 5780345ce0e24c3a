import type { CalendarEvent } from '@lifeos/contract';
import { dayKey } from '@/lib/format';

export type AgendaDay = { day: string; events: CalendarEvent[] };

/** Groups events by the day they start in the user's time zone (multi-day events show on their first day). */
export function groupByDay(events: CalendarEvent[], timeZone?: string): AgendaDay[] {
  const days = new Map<string, CalendarEvent[]>();
  for (const event of events) {
    const key = event.allDay ? event.start.slice(0, 10) : dayKey(event.start, timeZone);
    const list = days.get(key) ?? [];
    list.push(event);
    days.set(key, list);
  }
  return [...days.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, list]) => ({ day, events: list }));
}

/** The agenda window: from the start of today for `days` days, as ISO instants. */
export function agendaRange(now: Date, days: number): { from: string; to: string } {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  const end = new Date(start);
  end.setDate(end.getDate() + days);
  return { from: start.toISOString(), to: end.toISOString() };
}
