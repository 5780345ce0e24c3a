import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routeMention } from './messages.ts';

describe('routeMention', () => {
  const cases: [string, string | null][] = [
    ['@mail anything new?', '@mail'],
    ['anything new @mail', '@mail'],
    ['hey @CAL, what is on tomorrow', '@cal'],
    ['@Mem remember my dentist is Dr. Weiss', '@mem'],
    ['(@cal) lunch tomorrow', '@cal'],
    ['ask @mail.', '@mail'],
    ['@cal and @mail both', '@cal'],
    ['@mail then @cal', '@mail'],
    ['write to bob@mail.com please', null],
    ['mail jo@cal.org about @mem', '@mem'],
    ['@mailbox is full', null],
    ['@calendar sync', null],
    ['@memo to self', null],
    ['@bob said hi', null],
    ['email@mail', null],
    ['no mention at all', null],
    ['@mail-merge is a thing', null],
    ['@mail.com is a domain', null],
    ['line one\n@mem line two', '@mem'],
  ];
  for (const [content, expected] of cases) {
    it(`when the message is ${JSON.stringify(content)}, then it routes to ${expected}`, () => {
      assert.equal(routeMention(content), expected);
    });
  }
});
