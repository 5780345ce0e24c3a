import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addedReply, agendaReply, describeRecurrence, formatSpan } from './reply-format.ts';

const now = new Date('2026-11-29T09:00:00Z');

describe('reply formatting', () => {
  it('when an event is added, then the reply names it and its time in the user zone', () => {
    const e = { title: 'Haircut', start: new Date('2026-12-03T09:00:00Z'), end: new Date('2026-12-03T10:00:00Z'), allDay: false };
    assert.equal(addedReply(e, 'Europe/Berlin', now), 'Added **Haircut** — Thu 3 Dec, 10:00–11:00.');
    assert.equal(addedReply(e, 'Asia/Kolkata', now), 'Added **Haircut** — Thu 3 Dec, 14:30–15:30.');
    assert.equal(addedReply(e, 'America/Los_Angeles', now), 'Added **Haircut** — Thu 3 Dec, 01:00–02:00.');
  });

  it('when an event has a location or is all day, then the reply says so', () => {
    const lunch = { title: 'Lunch', start: new Date('2026-11-30T12:00:00Z'), end: new Date('2026-11-30T13:00:00Z'), allDay: false, location: "Nando's" };
    assert.equal(addedReply(lunch, 'UTC', now), "Added **Lunch** — Mon 30 Nov, 12:00–13:00 at Nando's.");
    const birthday = { title: "Mum's birthday", start: new Date('2026-12-11T23:00:00Z'), end: new Date('2026-12-12T23:00:00Z'), allDay: true };
    assert.equal(addedReply(birthday, 'Europe/Berlin', now), "Added **Mum's birthday** — Sat 12 Dec (all day).");
  });

  it('when a series is added, then the reply says how it repeats', () => {
    const piano = { title: 'Piano lesson', start: new Date('2026-12-01T16:00:00Z'), end: new Date('2026-12-01T17:00:00Z'), allDay: false, rrule: 'FREQ=WEEKLY;BYDAY=TU' };
    assert.equal(addedReply(piano, 'Europe/Berlin', now), 'Added **Piano lesson** — every Tuesday, 17:00–18:00, from Tue 1 Dec.');
  });

  it('when rules are described, then they read as English', () => {
    const s = new Date('2026-12-07T18:00:00Z');
    assert.equal(describeRecurrence('FREQ=DAILY', s, 'UTC'), 'every day');
    assert.equal(describeRecurrence('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', s, 'UTC'), 'every weekday');
    assert.equal(describeRecurrence('FREQ=WEEKLY;INTERVAL=2;BYDAY=FR', s, 'UTC'), 'every other Friday');
    assert.equal(describeRecurrence('FREQ=WEEKLY;BYDAY=MO,WE', s, 'UTC'), 'every Monday and Wednesday');
    assert.equal(describeRecurrence('FREQ=MONTHLY;BYDAY=1MO', s, 'UTC'), 'on the first Monday of every month');
    assert.equal(describeRecurrence('FREQ=MONTHLY;BYMONTHDAY=1', s, 'UTC'), 'every month on the 1st');
    assert.equal(describeRecurrence('FREQ=WEEKLY;BYDAY=TU;COUNT=10', s, 'UTC'), 'every Tuesday, 10 times');
    assert.equal(describeRecurrence('FREQ=WEEKLY;BYDAY=TU;UNTIL=20270228T225959Z', s, 'Europe/Berlin', now), 'every Tuesday until Sun 28 Feb 2027');
  });

  it('when a span crosses midnight, then both days are shown', () => {
    assert.equal(formatSpan(new Date('2026-12-04T21:00:00Z'), new Date('2026-12-05T00:30:00Z'), false, 'Europe/Berlin', now), 'Fri 4 Dec, 22:00 – Sat 5 Dec, 01:30');
    assert.equal(formatSpan(new Date('2026-12-04T22:00:00Z'), new Date('2026-12-04T23:00:00Z'), false, 'Europe/Berlin', now), 'Fri 4 Dec, 23:00–00:00');
  });

  it('when an agenda is shown, then events are grouped under their day', () => {
    const text = agendaReply(
      [
        { title: 'Haircut', start: new Date('2026-12-03T09:00:00Z'), end: new Date('2026-12-03T10:00:00Z'), allDay: false },
        { title: 'Gym', start: new Date('2026-12-03T17:00:00Z'), end: new Date('2026-12-03T18:00:00Z'), allDay: false, location: 'FitX' },
        { title: 'Party', start: new Date('2026-12-04T23:00:00Z'), end: new Date('2026-12-05T23:00:00Z'), allDay: true },
      ],
      'this week',
      'Europe/Berlin',
      now,
    );
    assert.equal(text, 'This week: 3 events.\n**Thu 3 Dec**\n- 10:00–11:00 **Haircut**\n- 18:00–19:00 **Gym** (FitX)\n**Sat 5 Dec**\n- all day **Party**');
    assert.equal(agendaReply([], 'tomorrow', 'Europe/Berlin', now), 'Nothing on your calendar tomorrow.');
  });

  it('when a title has markdown characters, then they are escaped inside the bold', () => {
    const e = { title: 'Q4 *final* review', start: new Date('2026-12-03T09:00:00Z'), end: new Date('2026-12-03T10:00:00Z'), allDay: false };
    assert.equal(addedReply(e, 'UTC', now), 'Added **Q4 \\*final\\* review** — Thu 3 Dec, 09:00–10:00.');
  });
});
