import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { parseReminderRequest, type ReminderRequest } from './reminder-phrases.ts';

// Sunday 29 Nov 2026: 10:00 in Berlin, 01:00 in Los Angeles, 14:30 in Kolkata.
const NOW = new Date('2026-11-29T09:00:00Z');
const ZONES = ['Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata'] as const;

const local = (d: Date, tz: string) => DateTime.fromJSDate(d, { zone: tz }).toFormat('yyyy-LL-dd HH:mm');
const parse = (text: string, tz: string) => parseReminderRequest(text, { now: NOW, timeZone: tz });

function as<K extends ReminderRequest['intent']>(r: ReminderRequest | null, intent: K): Extract<ReminderRequest, { intent: K }> {
  assert.equal(r?.intent, intent, `expected ${intent}, got ${JSON.stringify(r)}`);
  return r as Extract<ReminderRequest, { intent: K }>;
}

/** [what the user says, the reminder text, local due time (a function of the zone's "now"), RRULE]. */
type AtCase = [text: string, reminder: string, due: (tz: string) => string, recurrence?: string];

const todayOrTomorrow = (hhmm: string) => (tz: string) => {
  const now = DateTime.fromJSDate(NOW, { zone: tz });
  const [h, m] = hhmm.split(':').map(Number);
  const today = now.set({ hour: h, minute: m, second: 0, millisecond: 0 });
  return (today > now ? today : today.plus({ days: 1 })).toFormat('yyyy-LL-dd HH:mm');
};
const fromNow = (minutes: number) => (tz: string) => DateTime.fromJSDate(NOW, { zone: tz }).plus({ minutes }).toFormat('yyyy-LL-dd HH:mm');
const tomorrowAt = (hhmm: string) => (tz: string) => `${DateTime.fromJSDate(NOW, { zone: tz }).plus({ days: 1 }).toFormat('yyyy-LL-dd')} ${hhmm}`;
const fixed = (s: string) => () => s;

const AT: AtCase[] = [
  ['remind me at 5 to call the garage', 'Call the garage', todayOrTomorrow('17:00')],
  ['Remind me at 17:30 to pick up the kids', 'Pick up the kids', todayOrTomorrow('17:30')],
  ['remind me at 9am to send the invoice', 'Send the invoice', todayOrTomorrow('09:00')],
  ['remind me in 20 minutes to stretch', 'Stretch', fromNow(20)],
  ['remind me to stretch in 20 minutes', 'Stretch', fromNow(20)],
  ['@cal remind me in 2 minutes to stretch', 'Stretch', fromNow(2)],
  ['remind me in an hour to take the bread out', 'Take the bread out', fromNow(60)],
  ['remind me in half an hour to check the oven', 'Check the oven', fromNow(30)],
  ['remind me in 2 hours to call mum', 'Call mum', fromNow(120)],
  ['remind me in 3 days to renew the parking permit', 'Renew the parking permit', fromNow(3 * 1440)],
  ['remind me tomorrow morning to water the plants', 'Water the plants', tomorrowAt('09:00')],
  ['remind me to call the bank tomorrow afternoon', 'Call the bank', tomorrowAt('14:00')],
  ['remind me tomorrow evening to pack my bag', 'Pack your bag', tomorrowAt('19:00')],
  ['remind me tomorrow at 8:15 to leave for the station', 'Leave for the station', tomorrowAt('08:15')],
  ['remind me on Friday to pay the invoice', 'Pay the invoice', fixed('2026-12-04 09:00')],
  ['remind me on Dec 12 at 10 to book the restaurant', 'Book the restaurant', fixed('2026-12-12 10:00')],
  ['every Monday at 8 remind me to take out the bins', 'Take out the bins', fixed('2026-11-30 08:00'), 'FREQ=WEEKLY;BYDAY=MO'],
  ['remind me every day at 21:00 to take my pills', 'Take your pills', todayOrTomorrow('21:00'), 'FREQ=DAILY'],
  ['every weekday at 7:30 remind me to check the train times', 'Check the train times', fixed('2026-11-30 07:30'), 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'],
];

for (const tz of ZONES) {
  describe(`reminder phrases in ${tz}`, () => {
    for (const [text, reminder, due, recurrence] of AT) {
      it(`when the user says "${text}", then a reminder "${reminder}" is due ${due(tz)}`, () => {
        const r = as(parse(text, tz), 'create');
        assert.equal(r.text, reminder);
        assert.equal(local(r.at, tz), due(tz));
        assert.equal(r.recurrence, recurrence ?? null);
        assert.ok(r.at > NOW, 'in the future');
      });
    }

    it('when a reminder is relative to an event, then the event and the offset are read, the text wherever it stands', () => {
      const hour = as(parse('remind me an hour before the dentist', tz), 'create_before_event');
      assert.deepEqual(hour.readings, [{ event: 'dentist', text: null }]);
      assert.deepEqual(hour.offset, { minutesBefore: 60 });
      const mins = as(parse('remind me to print the slides 30 minutes before my meeting with Jo', tz), 'create_before_event');
      assert.deepEqual(mins.readings, [{ event: 'meeting with Jo', text: 'Print the slides' }]);
      assert.deepEqual(mins.offset, { minutesBefore: 30 });
      const evening = as(parse('remind me the evening before my flight to pack', tz), 'create_before_event');
      assert.deepEqual(evening.readings, [
        { event: 'flight to pack', text: null },
        { event: 'flight', text: 'Pack' },
      ]);
      assert.deepEqual(evening.offset, { dayBeforeAt: { hour: 19, minute: 0 } });
      const day = as(parse('remind me the day before the tax deadline', tz), 'create_before_event');
      assert.deepEqual(day.offset, { dayBeforeAt: { hour: 9, minute: 0 } });
      const twoDays = as(parse('remind me 2 days before the wedding to pick up the suit', tz), 'create_before_event');
      assert.deepEqual(twoDays.offset, { minutesBefore: 2880 });
    });

    it('when the user asks for their reminders, then it is a list', () => {
      for (const text of ['what are my reminders?', 'show my reminders', 'reminders', 'do I have any reminders', 'which reminders do I have tomorrow']) {
        as(parse(text, tz), 'list');
      }
    });

    it('when the user cancels or moves a reminder, then the words that name it are kept', () => {
      assert.equal(as(parse('cancel the garage reminder', tz), 'cancel').about, 'garage');
      assert.equal(as(parse('delete my reminder about the bins', tz), 'cancel').about, 'bins');
      assert.equal(as(parse('cancel my reminders', tz), 'cancel').about, null);
      const moved = as(parse('move the stretch reminder to 6pm', tz), 'move');
      assert.equal(moved.about, 'stretch');
      assert.equal(local(moved.at, tz), todayOrTomorrow('18:00')(tz));
      const moved2 = as(parse('move my reminder to call the garage to tomorrow at 10', tz), 'move');
      assert.equal(moved2.about, 'call garage');
      assert.equal(local(moved2.at, tz), tomorrowAt('10:00')(tz));
      assert.deepEqual(as(parse('push the garage reminder by 15 minutes', tz), 'snooze'), { intent: 'snooze', about: 'garage', minutes: 15 });
    });

    it('when no time is given, then the answer is a question, not a guess', () => {
      assert.equal(as(parse('remind me to buy milk', tz), 'needs_time').text, 'Buy milk');
    });

    it('when the message is not about reminders, then it is left to the calendar', () => {
      for (const text of ['add haircut next Thursday at 10', "what's on tomorrow?", 'move the dentist to 11', 'cancel the dentist']) {
        assert.equal(parse(text, tz), null, text);
      }
    });
  });
}
