import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asksForSeveral, asksWhen } from './memory-question.ts';

test('when a question asks when, then it is read as such, and other questions are not', () => {
  for (const q of [
    'when did I get my bike?',
    'When is the dentist appointment',
    'since when do I have the bike?',
    'how long ago did I start at the bakery?',
    'how long have I lived in Porto?',
    'what year did I move to Berlin?',
    'which month did we go to Crete',
    'at what time does the gym open?',
    'and when was that?',
  ]) {
    assert.equal(asksWhen(q), true, q);
  }
  for (const q of ["what's my job?", 'where is my bike?', 'why did I sell the car?', 'who is my dentist?', 'what did I say about time management?', 'what kind of year was it']) {
    assert.equal(asksWhen(q), false, q);
  }
});

test('when a question asks for several things, then it is read as such, and a question for one thing is not', () => {
  for (const q of [
    'what books have I read?',
    'Which cities has Jon visited?',
    'what has Melanie painted?',
    'where have I camped?',
    'how many times did I go to the gym in May?',
    'what are some things I like to cook?',
    'in what ways do I help at the shelter?',
    'what other hobbies do I have?',
    'what instruments does she play',
  ]) {
    assert.equal(asksForSeveral(q), true, q);
  }
  for (const q of ["what's my job?", 'what is my favourite book?', 'what does Anna do for work?', 'which city am I based in?', 'when did I get my bike?', 'what was his name?', 'where is my passport?']) {
    assert.equal(asksForSeveral(q), false, q);
  }
});
