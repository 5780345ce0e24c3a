import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { parseCalendarRequest, resolveMoveTarget, type CalendarRequest } from './calendar-phrases.ts';

// Sunday 29 Nov 2026: 10:00 in Berlin, 01:00 in Los Angeles, 14:30 in Kolkata — a Sunday everywhere.
const NOW = new Date('2026-11-29T09:00:00Z');
const ZONES = ['Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata'] as const;

const local = (d: Date, tz: string) => DateTime.fromJSDate(d, { zone: tz }).toFormat('yyyy-LL-dd HH:mm');
const parse = (text: string, tz: string) => parseCalendarRequest(text, { now: NOW, timeZone: tz });

function as<K extends CalendarRequest['intent']>(r: CalendarRequest, intent: K): Extract<CalendarRequest, { intent: K }> {
  assert.equal(r.intent, intent, `expected ${intent}, got ${JSON.stringify(r)}`);
  return r as Extract<CalendarRequest, { intent: K }>;
}

type CreateCase = [text: string, title: string, start: string, end: string, extra?: { allDay?: boolean; location?: string; recurrence?: string }];

const CREATES: CreateCase[] = [
  ['add haircut next Thursday at 10', 'Haircut', '2026-12-03 10:00', '2026-12-03 11:00'],
  ['schedule a call with the bank on Dec 12 at 14:30 for 20 minutes', 'Call with the bank', '2026-12-12 14:30', '2026-12-12 14:50'],
  ['meeting with Jo tomorrow 4-5pm', 'Meeting with Jo', '2026-11-30 16:00', '2026-11-30 17:00'],
  ['piano lesson every Tuesday at 17:00', 'Piano lesson', '2026-12-01 17:00', '2026-12-01 18:00', { recurrence: 'FREQ=WEEKLY;BYDAY=TU' }],
  ['book dentist on Friday at 9am', 'Dentist', '2026-12-04 09:00', '2026-12-04 10:00'],
  ['@cal add haircut on Monday at 10', 'Haircut', '2026-11-30 10:00', '2026-11-30 11:00'],
  ['lunch with Sam at Nando\'s tomorrow at 1', 'Lunch with Sam', '2026-11-30 13:00', '2026-11-30 14:00', { location: "Nando's" }],
  ['I have a dentist appointment on Dec 3 at 8:30', 'Dentist appointment', '2026-12-03 08:30', '2026-12-03 09:30'],
  ['dinner with Ana on Friday from 18:00 to 19:30', 'Dinner with Ana', '2026-12-04 18:00', '2026-12-04 19:30'],
  ['team sync tomorrow 9-10', 'Team sync', '2026-11-30 09:00', '2026-11-30 10:00'],
  ['30 minute call with Jo tomorrow at 3', 'Call with Jo', '2026-11-30 15:00', '2026-11-30 15:30'],
  ['workshop on 12 December 2026 10:00 for 1.5 hours', 'Workshop', '2026-12-12 10:00', '2026-12-12 11:30'],
  ['dentist friday 2:30', 'Dentist', '2026-12-04 14:30', '2026-12-04 15:30'],
  ['create an event called Team sync tomorrow at 9', 'Team sync', '2026-11-30 09:00', '2026-11-30 10:00'],
  ['add "Quarterly review" on Dec 15 at 2pm', 'Quarterly review', '2026-12-15 14:00', '2026-12-15 15:00'],
  ['put dentist in my calendar next Friday at 11', 'Dentist', '2026-12-04 11:00', '2026-12-04 12:00'],
  ['set up a meeting with Kim for tomorrow at 10', 'Meeting with Kim', '2026-11-30 10:00', '2026-11-30 11:00'],
  ['remind me to call the bank tomorrow morning', 'Call the bank', '2026-11-30 09:00', '2026-11-30 10:00'],
  ['Coffee in Berlin on Monday at 10', 'Coffee', '2026-11-30 10:00', '2026-11-30 11:00', { location: 'Berlin' }],
  ['can you add gym on Wednesday 7-8am please', 'Gym', '2026-12-02 07:00', '2026-12-02 08:00'],
  ['add lunch with Mia on Thursday', 'Lunch with Mia', '2026-12-03 12:00', '2026-12-03 13:00'],
  ["Mum's birthday on Dec 12", "Mum's birthday", '2026-12-12 00:00', '2026-12-13 00:00', { allDay: true }],
  ['vacation from Dec 20 to Dec 27', 'Vacation', '2026-12-20 00:00', '2026-12-28 00:00', { allDay: true }],
  ['yoga every Monday and Wednesday at 7am', 'Yoga', '2026-11-30 07:00', '2026-11-30 08:00', { recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE' }],
  ['standup every weekday at 9:15 for 15 minutes', 'Standup', '2026-11-30 09:15', '2026-11-30 09:30', { recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' }],
  ['gym mondays at 6pm', 'Gym', '2026-11-30 18:00', '2026-11-30 19:00', { recurrence: 'FREQ=WEEKLY;BYDAY=MO' }],
  ['bin day every other Friday', 'Bin day', '2026-12-04 00:00', '2026-12-05 00:00', { allDay: true, recurrence: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR' }],
  ['rent due on the 1st of every month', 'Rent due', '2026-12-01 00:00', '2026-12-02 00:00', { allDay: true, recurrence: 'FREQ=MONTHLY;BYMONTHDAY=1' }],
  ['piano lesson every Tuesday at 17:00 for 10 weeks', 'Piano lesson', '2026-12-01 17:00', '2026-12-01 18:00', { recurrence: 'FREQ=WEEKLY;BYDAY=TU;COUNT=10' }],
  ['book club on the first Monday of every month at 19:00', 'Book club', '2026-12-07 19:00', '2026-12-07 20:00', { recurrence: 'FREQ=MONTHLY;BYDAY=1MO' }],
  ['water the plants daily at 9pm', 'Water the plants', '2026-11-29 21:00', '2026-11-29 22:00', { recurrence: 'FREQ=DAILY' }],
];

for (const tz of ZONES) {
  describe(`phrases in ${tz}`, () => {
    for (const [text, title, start, end, extra] of CREATES) {
      it(`when the user says "${text}", then an event "${title}" is created at ${start}`, () => {
        const r = as(parse(text, tz), 'create');
        assert.equal(r.title, title);
        assert.equal(local(r.start, tz), start);
        assert.equal(local(r.end, tz), end);
        assert.equal(r.allDay, extra?.allDay ?? false);
        assert.equal(r.location, extra?.location ?? null);
        assert.equal(r.recurrence, extra?.recurrence ?? null);
      });
    }

    it('when a series has an end date, then UNTIL is the end of that local day in UTC', () => {
      const r = as(parse('team retro every 2 weeks on Thursday at 4pm until Feb 28', tz), 'create');
      assert.equal(local(r.start, tz), '2026-12-03 16:00');
      const until = /UNTIL=(\d{8}T\d{6}Z)/.exec(r.recurrence ?? '')?.[1];
      assert.ok(until, r.recurrence ?? '');
      const untilInstant = DateTime.fromFormat(until, "yyyyLLdd'T'HHmmss'Z'", { zone: 'UTC' });
      assert.equal(untilInstant.setZone(tz).toFormat('yyyy-LL-dd HH:mm:ss'), '2027-02-28 23:59:59');
    });

    it('when only a clock time is given, then it is today if still ahead, else tomorrow', () => {
      const later = as(parse('call with the plumber at 23:30', tz), 'create');
      assert.equal(local(later.start, tz), '2026-11-29 23:30');
      const early = as(parse('call with the plumber at 00:30', tz), 'create');
      assert.equal(local(early.start, tz), '2026-11-30 00:30');
    });

    const AGENDA: Array<[string, string, string, string]> = [
      ["what's my week look like", '2026-11-29 00:00', '2026-12-06 00:00', 'this week'],
      ['do I have anything on Monday morning', '2026-11-30 06:00', '2026-11-30 12:00', 'tomorrow morning'],
      ['anything today?', '2026-11-29 00:00', '2026-11-30 00:00', 'today'],
      ["what's on tomorrow", '2026-11-30 00:00', '2026-12-01 00:00', 'tomorrow'],
      ['what does tomorrow look like', '2026-11-30 00:00', '2026-12-01 00:00', 'tomorrow'],
      ['how does my week look', '2026-11-29 00:00', '2026-12-06 00:00', 'this week'],
      ["what's coming up", '2026-11-29 00:00', '2026-12-06 00:00', 'in the next 7 days'],
      ['show me next week', '2026-11-30 00:00', '2026-12-07 00:00', 'next week'],
      ['anything this weekend?', '2026-11-29 00:00', '2026-11-30 00:00', 'this weekend'],
      ['what do I have on Friday', '2026-12-04 00:00', '2026-12-05 00:00', 'on Friday'],
      ["what's on my calendar for Dec 12", '2026-12-12 00:00', '2026-12-13 00:00', 'on Sat 12 Dec'],
      ['do I have meetings tomorrow?', '2026-11-30 00:00', '2026-12-01 00:00', 'tomorrow'],
      ['is there anything on Thursday afternoon', '2026-12-03 12:00', '2026-12-03 18:00', 'on Thursday afternoon'],
      ['what am I doing tonight', '2026-11-29 18:00', '2026-11-30 00:00', 'tonight'],
      ["how's my day", '2026-11-29 00:00', '2026-11-30 00:00', 'today'],
      ['agenda for the next 3 days', '2026-11-29 00:00', '2026-12-02 00:00', 'in the next 3 days'],
      ['any plans next weekend', '2026-12-05 00:00', '2026-12-07 00:00', 'next weekend'],
      ["what's my schedule", '2026-11-29 00:00', '2026-12-06 00:00', 'in the next 7 days'],
    ];
    for (const [text, from, to, label] of AGENDA) {
      it(`when the user asks "${text}", then the agenda covers ${from} to ${to}`, () => {
        const r = as(parse(text, tz), 'agenda');
        assert.equal(local(r.range.start, tz), from);
        assert.equal(local(r.range.end, tz), to);
        assert.equal(r.label, label);
      });
    }

    const FINDS: Array<[string, string, string | null]> = [
      ['when is my haircut?', 'haircut', null],
      ["when's the bank call", 'bank call', null],
      ['what time is my haircut', 'haircut', null],
      ['where is the team retro', 'team retro', null],
      ['find my dentist appointment', 'dentist appointment', null],
      ['do I have a dentist appointment?', 'dentist appointment', null],
      ['when do I have piano', 'piano', null],
      ['is the haircut on Thursday?', 'haircut', '2026-12-03 00:00'],
    ];
    for (const [text, query, rangeStart] of FINDS) {
      it(`when the user asks "${text}", then it looks for "${query}"`, () => {
        const r = as(parse(text, tz), 'find');
        assert.equal(r.ref.query, query);
        assert.equal(r.ref.range ? local(r.ref.range.start, tz) : null, rangeStart);
      });
    }

    const FREE_AT: Array<[string, string, string]> = [
      ['am I free on Thursday at 10:30?', '2026-12-03 10:30', '2026-12-03 11:00'],
      ['am I free at 3pm tomorrow?', '2026-11-30 15:00', '2026-11-30 15:30'],
      ['is Thursday at 10:30 free?', '2026-12-03 10:30', '2026-12-03 11:00'],
      ['am I free Thursday 10:30 for an hour', '2026-12-03 10:30', '2026-12-03 11:30'],
      ['do I have anything at 3pm tomorrow?', '2026-11-30 15:00', '2026-11-30 15:30'],
      ['am I busy on Friday at 2?', '2026-12-04 14:00', '2026-12-04 14:30'],
    ];
    for (const [text, start, end] of FREE_AT) {
      it(`when the user asks "${text}", then it checks ${start}–${end}`, () => {
        const r = as(parse(text, tz), 'free_at');
        assert.equal(local(r.start, tz), start);
        assert.equal(local(r.end, tz), end);
      });
    }

    const FREE_SLOTS: Array<[string, string, string, number, number, number]> = [
      ['when am I free tomorrow afternoon?', '2026-11-30 12:00', '2026-11-30 18:00', 30, 12, 18],
      ['when am I free on Friday', '2026-12-04 00:00', '2026-12-05 00:00', 30, 9, 18],
      ['am I busy on Friday?', '2026-12-04 00:00', '2026-12-05 00:00', 30, 9, 18],
      ['find me an hour tomorrow', '2026-11-30 00:00', '2026-12-01 00:00', 60, 9, 18],
      ['find a 45 minute slot next week', '2026-11-30 00:00', '2026-12-07 00:00', 45, 9, 18],
      ['when can I fit a 2 hour meeting next week', '2026-11-30 00:00', '2026-12-07 00:00', 120, 9, 18],
      ['do I have time tomorrow morning', '2026-11-30 08:00', '2026-11-30 12:00', 30, 8, 12],
    ];
    for (const [text, from, to, minutes, fromHour, toHour] of FREE_SLOTS) {
      it(`when the user asks "${text}", then it looks for ${minutes}-minute slots from ${from}`, () => {
        const r = as(parse(text, tz), 'free_slots');
        assert.equal(local(r.range.start, tz), from);
        assert.equal(local(r.range.end, tz), to);
        assert.equal(r.minutes, minutes);
        assert.deepEqual(r.dayHours, { from: fromHour, to: toHour });
      });
    }

    it('when asked for free time next week, then weekends are left out', () => {
      assert.equal(as(parse('find a 45 minute slot next week', tz), 'free_slots').skipWeekends, true);
      assert.equal(as(parse('when am I free tomorrow afternoon?', tz), 'free_slots').skipWeekends, false);
    });

    const MOVES: Array<[string, string, string | null, { date: string | null; time: string | null }]> = [
      ['move the haircut to 11', 'haircut', null, { date: null, time: '11:00' }],
      ['move the haircut to Friday', 'haircut', null, { date: '2026-12-04', time: null }],
      ['move the haircut to Friday at 3pm', 'haircut', null, { date: '2026-12-04', time: '15:00' }],
      ['reschedule the bank call for tomorrow at 9', 'bank call', null, { date: '2026-11-30', time: '09:00' }],
      ['move my dentist from Monday to Tuesday', 'dentist', '2026-11-30 00:00', { date: '2026-12-01', time: null }],
      ['change the haircut to 11am', 'haircut', null, { date: null, time: '11:00' }],
      ['push the haircut to 2', 'haircut', null, { date: null, time: '14:00' }],
      ['move the trip to Paris to Friday', 'trip to Paris', null, { date: '2026-12-04', time: null }],
      ['move the haircut at 10 to 11', 'haircut', null, { date: null, time: '11:00' }],
    ];
    for (const [text, query, rangeStart, target] of MOVES) {
      it(`when the user says "${text}", then "${query}" is to move`, () => {
        const r = as(parse(text, tz), 'move');
        assert.equal(r.ref.query, query);
        assert.equal(r.ref.range ? local(r.ref.range.start, tz) : null, rangeStart);
        const d = r.target.date;
        assert.equal(d ? DateTime.fromObject(d).toFormat('yyyy-LL-dd') : null, target.date);
        const t = r.target.time;
        assert.equal(t ? `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}` : null, target.time);
      });
    }

    it('when a reference names a clock time ("my 3pm"), then the reference carries it', () => {
      const r = as(parse('move my 3pm to 4pm', tz), 'move');
      assert.equal(r.ref.query, '');
      assert.deepEqual(r.ref.time, { hour: 15, minute: 0 });
      assert.deepEqual(r.target.time, { hour: 16, minute: 0 });
    });

    const SHIFTS: Array<[string, string, number]> = [
      ['push the bank call by 30 minutes', 'bank call', 30],
      ['push back the bank call 15 minutes', 'bank call', 15],
      ['delay the bank call by an hour', 'bank call', 60],
      ['bring the haircut forward by 30 minutes', 'haircut', -30],
      ['move the bank call 30 minutes later', 'bank call', 30],
      ['move the meeting with Jo an hour earlier', 'meeting with Jo', -60],
      ['push the haircut back by half an hour', 'haircut', 30],
      ['postpone the bank call by 1h30', 'bank call', 90],
    ];
    for (const [text, query, minutes] of SHIFTS) {
      it(`when the user says "${text}", then "${query}" shifts by ${minutes} minutes`, () => {
        const r = as(parse(text, tz), 'shift');
        assert.equal(r.ref.query, query);
        assert.equal(r.minutes, minutes);
      });
    }

    const DELETES: Array<[string, string, string | null]> = [
      ['delete the bank call', 'bank call', null],
      ['cancel my haircut', 'haircut', null],
      ['remove the meeting with Jo on Monday', 'meeting with Jo', '2026-11-30 00:00'],
      ["delete tomorrow's bank call", 'bank call', '2026-11-30 00:00'],
      ['cancel the bank call from my calendar', 'bank call', null],
      ['get rid of the piano lesson', 'piano lesson', null],
    ];
    for (const [text, query, rangeStart] of DELETES) {
      it(`when the user says "${text}", then "${query}" is to delete`, () => {
        const r = as(parse(text, tz), 'delete');
        assert.equal(r.ref.query, query);
        assert.equal(r.ref.range ? local(r.ref.range.start, tz) : null, rangeStart);
      });
    }

    for (const text of ['hello', 'what can you do', 'tell me a joke', 'delete', '']) {
      it(`when the user says "${text}", then nothing is guessed`, () => {
        assert.equal(parse(text, tz).intent, 'unknown');
      });
    }

    it('when a create has no time or no title, then it says which is missing', () => {
      assert.deepEqual(parse('add dentist next week', tz), { intent: 'unknown', missing: 'time', title: 'Dentist' });
      assert.deepEqual(parse('add tomorrow at 10', tz), { intent: 'unknown', missing: 'title', title: null });
    });
  });
}

describe('instants', () => {
  it('when the same phrase is said in three zones, then the stored UTC instants differ by the zone offsets', () => {
    const starts = ZONES.map((tz) => (parse('add haircut next Thursday at 10', tz) as { start: Date }).start.toISOString());
    assert.deepEqual(starts, ['2026-12-03T09:00:00.000Z', '2026-12-03T18:00:00.000Z', '2026-12-03T04:30:00.000Z']);
  });

  it('when "in 2 hours" is said, then the event starts two hours from the clock', () => {
    const r = parseCalendarRequest('call mum in 2 hours', { now: NOW, timeZone: 'Asia/Kolkata' });
    assert.equal((r as { start: Date }).start.toISOString(), '2026-11-29T11:00:00.000Z');
  });

  it('when the machine itself runs in another zone, then results do not change', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Chatham';
      const r = parseCalendarRequest('meeting with Jo tomorrow 4-5pm', { now: NOW, timeZone: 'America/Los_Angeles' });
      assert.equal((r as { start: Date }).start.toISOString(), '2026-12-01T00:00:00.000Z');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('when the zone is not an IANA name, then parsing refuses it', () => {
    assert.throws(() => parseCalendarRequest('anything today?', { now: NOW, timeZone: 'Mars/Olympus' }), RangeError);
  });

  it('when a move keeps the date, then the new start is that day at the new clock time', () => {
    const start = new Date('2026-12-03T09:00:00Z');
    assert.equal(resolveMoveTarget(start, { date: null, time: { hour: 11, minute: 0 } }, 'Europe/Berlin').toISOString(), '2026-12-03T10:00:00.000Z');
    assert.equal(resolveMoveTarget(start, { date: { year: 2026, month: 12, day: 4 }, time: null }, 'Europe/Berlin').toISOString(), '2026-12-04T09:00:00.000Z');
  });
});
