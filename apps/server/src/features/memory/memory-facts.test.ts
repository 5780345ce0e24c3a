import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalFact, factSubject, questionSubject, sameSubject } from './memory-facts.ts';

test('when a fact says "<subject> is <value>", then its subject is the phrase before the verb', () => {
  assert.equal(factSubject("My sister's name is Lena."), 'my sister');
  assert.equal(factSubject('my dentist is Dr. Weiss'), 'my dentist');
  assert.equal(factSubject('The wifi password is on the router'), 'the wifi password');
  assert.equal(factSubject('Anna’s birthday is on 3 May'), "anna's birthday");
  assert.equal(factSubject('my kids are Tom and Ben'), 'my kids');
});

test('when a fact names where the user lives or works, then the relation is its subject', () => {
  assert.equal(factSubject('I live in Berlin'), 'i live in');
  assert.equal(factSubject("I'm living in Munich now"), 'i live in');
  assert.equal(factSubject("I've just moved to Leipzig"), 'i live in');
  assert.equal(factSubject('I work at Acme'), 'i work at');
});

test('when a fact has no single subject, then it has none (and never replaces another)', () => {
  for (const fact of ["I'm allergic to penicillin", 'I like my coffee black', 'it is raining', 'my dentist is not Dr. Weiss', 'what is my dentist']) {
    assert.equal(factSubject(fact), null, fact);
  }
  assert.equal(sameSubject("my sister's name is Lena", 'my sister’s name is Lea'), true);
  assert.equal(sameSubject("my sister's name is Lena", "my brother's name is Leo"), false);
  assert.equal(sameSubject("I'm allergic to penicillin", "I'm allergic to nuts"), false);
});

test('when a statement gives a new value, then it is kept in the plain form and marked as a change', () => {
  const cases: [string, string][] = [
    ["my locker number changed, it's 212 now", 'my locker number is 212'],
    ['my phone number has changed to 0151 234', 'my phone number is 0151 234'],
    ['my new phone number is 0151 999', 'my phone number is 0151 999'],
    ['my locker number is now 212', 'my locker number is 212'],
    ['the wifi password is orchid7 now', 'the wifi password is orchid7'],
    ['I changed my email to jo@example.com', 'my email is jo@example.com'],
    ['I now live in Porto', 'I live in Porto'],
    ['the wifi password changed - it is now tulip42', 'the wifi password is tulip42'],
  ];
  for (const [text, fact] of cases) assert.deepEqual(canonicalFact(text), { fact, change: true }, text);
  assert.deepEqual(canonicalFact('my locker number is 118'), { fact: 'my locker number is 118', change: false });
  assert.equal(canonicalFact('I moved to Porto').change, true);
  assert.equal(factSubject('I relocated to Leipzig in spring'), 'i live in');
  assert.equal(factSubject('I work as a nurse'), 'my job');
});

test('when a question asks where the user lives or works or what their job is, then it names that relation', () => {
  const cases: [string, string | null][] = [
    ['which city am I based in?', 'i live in'],
    ['where do I live?', 'i live in'],
    ['what town am I living in now?', 'i live in'],
    ['where do I work?', 'i work at'],
    ["what's my job?", 'my job'],
    ['what do I do for a living?', 'my job'],
    ["what's my dentist's name?", null],
  ];
  for (const [question, subject] of cases) assert.equal(questionSubject(question)?.subject ?? null, subject, question);
});
