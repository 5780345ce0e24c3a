import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchEvents, titleScore } from './event-match.ts';

const ev = (title: string, start: string) => ({ title, start: new Date(start), end: new Date(new Date(start).getTime() + 3_600_000) });
const events = [
  ev('Haircut', '2026-12-03T09:00:00Z'),
  ev('Call with the bank', '2026-12-12T13:30:00Z'),
  ev('Meeting with Jo', '2026-11-30T15:00:00Z'),
  ev('Team meeting', '2026-12-01T08:00:00Z'),
  ev('Dentist', '2026-12-04T14:00:00Z'),
];

describe('matching events by how the user names them', () => {
  it('when words are in another order, then the event still matches', () => {
    assert.deepEqual(matchEvents(events, { query: 'bank call', range: null, time: null }, 'UTC').map((e) => e.title), ['Call with the bank']);
  });

  it('when the user adds a kind word, then it is not required in the title', () => {
    assert.deepEqual(matchEvents(events, { query: 'dentist appointment', range: null, time: null }, 'UTC').map((e) => e.title), ['Dentist']);
  });

  it('when several events match, then all of them come back', () => {
    assert.deepEqual(matchEvents(events, { query: 'meeting', range: null, time: null }, 'UTC').map((e) => e.title), ['Meeting with Jo', 'Team meeting']);
  });

  it('when one title matches exactly, then it wins over partial matches', () => {
    assert.deepEqual(matchEvents(events, { query: 'team meeting', range: null, time: null }, 'UTC').map((e) => e.title), ['Team meeting']);
  });

  it('when a day or clock time is given, then only events then match', () => {
    const monday = { start: new Date('2026-11-30T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') };
    assert.deepEqual(matchEvents(events, { query: 'meeting', range: monday, time: null }, 'UTC').map((e) => e.title), ['Meeting with Jo']);
    assert.deepEqual(matchEvents(events, { query: '', range: null, time: { hour: 14, minute: 0 } }, 'UTC').map((e) => e.title), ['Dentist']);
  });

  it('when nothing shares the words, then nothing matches', () => {
    assert.equal(titleScore('yoga', 'Haircut'), 0);
    assert.deepEqual(matchEvents(events, { query: 'yoga', range: null, time: null }, 'UTC'), []);
  });
});
