import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickOption } from './choice.ts';
import { correctWord, fixTypos, toUtterance } from './normalize.ts';
import { numberWordsToDigits, parseNumber, parseOrdinal } from './numbers.ts';

describe('typos', () => {
  const FIXES: [string, string][] = [
    ['tommorow', 'tomorrow'],
    ['tomorow', 'tomorrow'],
    ['calender', 'calendar'],
    ['wensday', 'wednesday'],
    ['thrusday', 'thursday'],
    ['firday', 'friday'],
    ['schedual', 'schedule'],
    ['appointmnet', 'appointment'],
    ['tmrw', 'tomorrow'],
  ];
  for (const [typo, word] of FIXES) {
    it(`when the user types "${typo}", then it reads as "${word}"`, () => assert.equal(correctWord(typo), word));
  }

  it('when words are real or names, then they stay as typed', () => {
    for (const word of ['chance', 'delegate', 'dentist', 'lunch', 'house']) assert.equal(correctWord(word), null, word);
    assert.equal(fixTypos('lunch with Frida tommorow'), 'lunch with Frida tomorrow');
    assert.equal(fixTypos('add "Mondey club" tommorow'), 'add "Mondey club" tomorrow');
    assert.equal(fixTypos('Käsespätzle mit Jürgen'), 'Käsespätzle mit Jürgen');
  });

  it('when a message has mentions, politeness and curly quotes, then the utterance is the request alone', () => {
    const u = toUtterance('@cal could you please move Mum’s party to Friday? thanks');
    assert.equal(u.text, "move Mum's party to Friday? thanks".replace('? thanks', ''));
  });
});

describe('numbers and ordinals', () => {
  it('when numbers are words, then they have their value', () => {
    assert.equal(parseNumber('ninety'), 90);
    assert.equal(parseNumber('twenty-five'), 25);
    assert.equal(parseOrdinal('twenty-first'), 21);
    assert.equal(parseOrdinal('3rd'), 3);
    assert.equal(parseOrdinal('last'), -1);
    assert.equal(numberWordsToDigits('in ninety minutes'), 'in 90 minutes');
  });
});

describe('answers to "which one?"', () => {
  const options = [
    { label: 'Dentist', at: new Date('2026-11-30T09:00:00Z') },
    { label: 'Team meeting', at: new Date('2026-12-01T09:00:00Z') },
    { label: 'Dentist follow-up', at: new Date('2026-12-06T09:00:00Z') },
  ];
  const pick = (text: string) => pickOption(text, options, 'Europe/Berlin');
  it('when the answer is a number, an ordinal, a day or a title word, then it picks that option', () => {
    assert.deepEqual(pick('2'), { kind: 'index', index: 1 });
    assert.deepEqual(pick('the third one'), { kind: 'index', index: 2 });
    assert.deepEqual(pick('the last one'), { kind: 'index', index: 2 });
    assert.deepEqual(pick('the one on Sunday'), { kind: 'index', index: 2 });
    assert.deepEqual(pick('the meeting one'), { kind: 'index', index: 1 });
    assert.deepEqual(pick('the follow-up'), { kind: 'index', index: 2 });
  });
  it('when the answer fits several or none, then it says so', () => {
    assert.equal(pick('the dentist one').kind, 'ambiguous');
    assert.equal(pick('the 9th one').kind, 'none');
  });
});
