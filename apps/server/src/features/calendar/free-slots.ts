import { addDays, compareWallDates, hoursOfDay, isoWeekday, wallDateOf, type Interval } from './zoned-time.ts';

/** Something that takes time: an event occurrence (all-day events do not block time). */
export type BusyBlock = { start: Date; end: Date; title: string; allDay?: boolean };

/** Local hours of the day to look for free time in, e.g. 9 to 18. */
export type DayHours = { from: number; to: number };

export const WORKING_HOURS: DayHours = { from: 9, to: 18 };

export type FreeSlotQuery = {
  busy: BusyBlock[];
  range: Interval;
  timeZone: string;
  /** Shortest useful slot. */
  minMinutes?: number;
  dayHours?: DayHours;
  /** Nothing before this instant is offered (usually now). */
  notBefore?: Date;
  /** Leave out Saturdays and Sundays when the range also has weekdays. */
  skipWeekends?: boolean;
};

/** Blocks that overlap [start, end); all-day events never conflict. */
export function conflictsWith<B extends BusyBlock>(busy: B[], start: Date, end: Date): B[] {
  return busy
    .filter((b) => !b.allDay && b.start < end && b.end > start)
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

function mergeBusy(busy: BusyBlock[]): Interval[] {
  const sorted = busy
    .filter((b) => !b.allDay && b.end > b.start)
    .map((b) => ({ start: b.start, end: b.end }))
    .sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: Interval[] = [];
  for (const b of sorted) {
    const last = merged.at(-1);
    if (last && b.start <= last.end) {
      if (b.end > last.end) last.end = b.end;
    } else merged.push({ ...b });
  }
  return merged;
}

/** Free intervals of at least `minMinutes` inside `dayHours` of each local day of `range`. */
export function findFreeSlots(q: FreeSlotQuery): Interval[] {
  const minMs = (q.minMinutes ?? 30) * 60_000;
  const hours = q.dayHours ?? WORKING_HOURS;
  const busy = mergeBusy(q.busy);
  const first = wallDateOf(q.range.start, q.timeZone);
  const last = wallDateOf(new Date(q.range.end.getTime() - 1), q.timeZone);
  const days = [];
  for (let d = first; compareWallDates(d, last) <= 0; d = addDays(d, 1)) days.push(d);
  const hasWeekday = days.some((d) => isoWeekday(d) <= 5);
  const slots: Interval[] = [];
  for (const day of days) {
    if (q.skipWeekends && hasWeekday && isoWeekday(day) >= 6) continue;
    const window = hoursOfDay(day, hours.from, hours.to, q.timeZone);
    let start = new Date(Math.max(window.start.getTime(), q.range.start.getTime(), q.notBefore?.getTime() ?? -Infinity));
    const end = new Date(Math.min(window.end.getTime(), q.range.end.getTime()));
    for (const b of busy) {
      if (b.end <= start || b.start >= end) continue;
      if (b.start.getTime() - start.getTime() >= minMs) slots.push({ start, end: b.start });
      if (b.end > start) start = b.end;
    }
    if (end.getTime() - start.getTime() >= minMs) slots.push({ start, end });
  }
  return slots;
}
