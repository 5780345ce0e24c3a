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

test('when a question sets its period relative to a date it names, then the period is that one, not one relative to today', () => {
  const cases: [string, string, string][] = [
    // [question, from, to): 10 April 2023 was a Monday, 25 October 2022 a Tuesday.
    ['What did Maria do last weekend before April 10, 2023?', '2023-04-08', '2023-04-10'],
    ['what did we do the weekend before 9 April 2023', '2023-04-01', '2023-04-03'],
    ['where did I go the weekend after 10 April 2023?', '2023-04-15', '2023-04-17'],
    ['What was shown on the Sunday before October 25, 2022?', '2022-10-23', '2022-10-24'],
    ['who did I meet the Friday after 25 October 2022', '2022-10-28', '2022-10-29'],
    ['Where was Tim in the week before 16 November 2023?', '2023-11-09', '2023-11-16'],
    ['what did I cook the week after 1 March 2023?', '2023-03-02', '2023-03-09'],
    ['what did I buy the day before 10 June 2023?', '2023-06-09', '2023-06-10'],
    ['Which puppy did she get two weeks before August 11, 2023?', '2023-07-25', '2023-08-01'],
    ['what did I buy 3 days before 10 June 2023?', '2023-06-07', '2023-06-08'],
    ['Where was John between August 11 and August 15 2023?', '2023-08-11', '2023-08-16'],
    ['what did I read between 2 March and 9 March 2023', '2023-03-02', '2023-03-10'],
    ['Which country was Tim visiting in the second week of November?', '2023-11-08', '2023-11-15'],
    ['what happened in the first week of May 2023', '2023-05-01', '2023-05-08'],
    ['what did I do the last week of June 2023?', '2023-06-24', '2023-07-01'],
  ];
  for (const [question, from, to] of cases) {
    const p = queryPeriod(question, now);
    assert.deepEqual(p && [iso(p.from), iso(p.to)], [from, to], question);
    assert.doesNotMatch(p!.rest, /\b(before|after|between|week|weekend|sunday|friday|april|october|november|august|march|june|may)\b/i, `${question} -> ${p!.rest}`);
  }
});
