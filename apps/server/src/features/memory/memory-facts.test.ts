import assert from 'node:assert/strict';
import { test } from 'node:test';
import { factSubject, sameSubject } from './memory-facts.ts';

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
