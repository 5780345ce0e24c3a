import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queryPeriod } from './memory-time.ts';

const now = new Date('2023-10-20T12:00:00Z');
const iso = (d: Date) => d.toISOString().slice(0, 10);

test('when a question names a month, a day, a year or a relative period, then it becomes that period and the date words leave the question', () => {
  const cases: [string, string, string, string][] = [
    ['What did Mel paint in July 2023?', '2023-07-01', '2023-08-01', 'What did Mel paint in ?'],
    ['What did Melanie show on October 13, 2023?', '2023-10-13', '2023-10-14', 'What did Melanie show on ?'],
    ['What did John do last year?', '2022-01-01', '2023-01-01', 'What did John do ?'],
    ['where did I go yesterday', '2023-10-19', '2023-10-20', 'where did I go'],
    ['What did I buy last week?', '2023-10-10', '2023-10-17', 'What did I buy ?'],
  ];
  for (const [question, from, to, rest] of cases) {
    const p = queryPeriod(question, now);
    assert.deepEqual(p && [iso(p.from), iso(p.to), p.rest], [from, to, rest], question);
  }
});

test('when a question names no date, then it has no period', () => {
  for (const question of ["what's my job?", 'where is my bike?', 'which city am I based in?']) assert.equal(queryPeriod(question, now), null, question);
});
