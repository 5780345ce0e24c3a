import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDay, provenance, quote, recallQuery, sentence, toSecondPerson } from './mem-answer.ts';

test('when a memory is told back, then first person becomes second person', () => {
  assert.equal(toSecondPerson('my dentist is Dr. Weiss'), 'Your dentist is Dr. Weiss');
  assert.equal(toSecondPerson("I'm allergic to penicillin"), "You're allergic to penicillin");
  assert.equal(toSecondPerson('I like my coffee black'), 'You like your coffee black');
  assert.equal(toSecondPerson('I was born in Graz and my mum calls me Hansi'), 'You were born in Graz and your mum calls you Hansi');
  assert.equal(toSecondPerson('the wifi password is on the router'), 'The wifi password is on the router');
});

test('when a question is searched, then the words that only shape it are left out', () => {
  assert.equal(recallQuery("what's my dentist's name?"), "what's my dentist's");
  assert.equal(recallQuery('how do I take my coffee?'), 'how do I my coffee');
  assert.equal(recallQuery('what do you know about my sister?'), 'what do you about my sister');
  // The time or amount asked for is not a word of the memory that answers it.
  assert.equal(recallQuery('what time is my train?'), 'what is my train');
  assert.equal(recallQuery('At what time does the gym open?'), 'At what does the gym open');
  assert.equal(recallQuery('how old will Leo be?'), 'how will Leo be');
  assert.equal(recallQuery('how many kids does Anna have?'), 'how kids does Anna have');
  assert.equal(recallQuery('how long is my commute?'), 'how is my commute');
  assert.equal(recallQuery('how old am I?'), 'how old am I', 'nothing else is asked about');
  // Nothing but scaffolding: the question is searched as it is.
  assert.equal(recallQuery('name?'), 'name?');
});

test('when dates and quotes are shown, then they read naturally in the user zone', () => {
  const now = new Date('2026-12-03T10:00:00Z');
  assert.equal(formatDay(new Date('2026-12-02T23:30:00Z'), 'Europe/Berlin', now), '3 Dec');
  assert.equal(formatDay(new Date('2025-05-01T10:00:00Z'), 'UTC', now), '1 May 2025');
  assert.equal(provenance({ createdAt: new Date('2026-12-01T10:00:00Z'), updatedAt: new Date('2026-12-01T10:00:00Z') }, 'UTC', now), '(You told me on 1 Dec.)');
  assert.equal(
    provenance({ createdAt: new Date('2026-12-01T10:00:00Z'), updatedAt: new Date('2026-12-02T10:00:00Z') }, 'UTC', now),
    '(You told me on 1 Dec, updated 2 Dec.)',
  );
  assert.equal(quote('my dentist is Dr. Weiss.'), '“my dentist is Dr. Weiss”');
  assert.equal(sentence('Your dentist is Dr. Weiss'), 'Your dentist is Dr. Weiss.');
});
