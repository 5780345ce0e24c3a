import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCommandOrQuestion, isListRequest, looksLikeQuestion, parseChoice, parseMemIntent } from './mem-intent.ts';

test('when the user says "remember that …", "remember: …", "note: …" or "save this: …", then the fact is kept without the command words', () => {
  const cases: [string, string][] = [
    ['remember that my dentist is Dr. Weiss', 'my dentist is Dr. Weiss'],
    ['Remember: the spare key is under the blue pot', 'the spare key is under the blue pot'],
    ['note: the wifi password is on the router', 'the wifi password is on the router'],
    ['save this: Anna’s birthday is 3 May', "Anna's birthday is 3 May"],
    ['please remember my passport expires in 2031.', 'my passport expires in 2031'],
    ["don't forget that the car needs new tyres", 'the car needs new tyres'],
    ['note to self: call the plumber back', 'call the plumber back'],
    ['keep in mind that I hate cilantro', 'I hate cilantro'],
    ['remember "my locker is 42"', 'my locker is 42'],
  ];
  for (const [text, fact] of cases) assert.deepEqual(parseMemIntent(text), { kind: 'remember', fact }, text);
});

test('when the user states a fact or preference, then it is remembered as said', () => {
  for (const text of ['my dentist is Dr. Weiss', "I'm allergic to penicillin", 'I like my coffee black', "my sister's name is Lea", "I'm vegetarian", 'We live in Leipzig']) {
    assert.deepEqual(parseMemIntent(text), { kind: 'remember', fact: text }, text);
  }
});

test('when a command word is given without a fact, then the fact is empty (so @mem asks for it)', () => {
  for (const text of ['remember', 'remember that', 'note:', 'save this']) assert.deepEqual(parseMemIntent(text), { kind: 'remember', fact: '' }, text);
});

test('when the user asks a question, then it is a recall', () => {
  for (const text of ["what's my dentist's name?", 'what am I allergic to?', 'how do I take my coffee?', 'when is Anna’s birthday', 'do you remember my dentist?', 'dentist', 'wifi password', 'remember when we went to Rome?']) {
    assert.equal(parseMemIntent(text).kind, 'recall', text);
  }
  assert.deepEqual(parseMemIntent('What do you know about my sister?'), { kind: 'recall', question: 'What do you know about my sister?' });
});

test('when the user asks what @mem knows about them, then it is a list; "all" asks for the long one', () => {
  for (const text of ['what do you know about me?', 'What do you remember about me', 'what have I told you?', 'show my memories', 'list memories', 'what do you know?']) {
    assert.deepEqual(parseMemIntent(text), { kind: 'list', all: false }, text);
  }
  for (const text of ['show all memories', 'list all my memories', 'everything you know about me']) assert.deepEqual(parseMemIntent(text), { kind: 'list', all: true }, text);
});

test('when the user asks to forget or delete something, then the target is what remains after the command and note words', () => {
  const cases: [string, string][] = [
    ['forget my dentist', 'my dentist'],
    ['delete the note about the coffee', 'the coffee'],
    ['please remove the memory about my old address', 'my old address'],
    ['forget what I said about Lena', 'Lena'],
    ['erase everything about the wifi', 'the wifi'],
  ];
  for (const [text, target] of cases) assert.deepEqual(parseMemIntent(text), { kind: 'forget', target: { kind: 'text', text: target } }, text);
  assert.deepEqual(parseMemIntent('forget it'), { kind: 'forget', target: { kind: 'last' } });
  assert.deepEqual(parseMemIntent('forget 2'), { kind: 'forget', target: { kind: 'choice', indexes: [2] } });
  assert.deepEqual(parseMemIntent('delete 1 and 3'), { kind: 'forget', target: { kind: 'choice', indexes: [1, 3] } });
  assert.deepEqual(parseMemIntent('forget all of them'), { kind: 'forget', target: { kind: 'all-choices' } });
  assert.deepEqual(parseMemIntent('forget everything'), { kind: 'forget', target: { kind: 'everything' } });
  assert.deepEqual(parseMemIntent('forget'), { kind: 'forget', target: { kind: 'missing' } });
});

test('when the user corrects a fact, then it is an edit with the corrected fact', () => {
  assert.deepEqual(parseMemIntent('actually my dentist is Dr. Roth'), { kind: 'edit', fact: 'my dentist is Dr. Roth' });
  assert.deepEqual(parseMemIntent('Correction: my sister’s name is Lea'), { kind: 'edit', fact: "my sister's name is Lea" });
  assert.deepEqual(parseMemIntent('update my address to 12 Main St'), { kind: 'edit', fact: 'my address is 12 Main St' });
  assert.deepEqual(parseMemIntent("no, it's Dr. Roth"), { kind: 'edit', fact: 'Dr. Roth', valueOnly: true });
  assert.equal(parseMemIntent('actually, what is my dentist called?').kind, 'recall');
});

test('when the user answers with a number from the last list, then it is a choice', () => {
  assert.deepEqual(parseMemIntent('2'), { kind: 'choose', indexes: [2] });
  assert.deepEqual(parseMemIntent('the second one'), { kind: 'choose', indexes: [2] });
  assert.deepEqual(parseChoice('#1, 3'), [1, 3]);
  assert.equal(parseChoice('2 coffees'), null);
});

test('when the message is empty, a greeting or a request for help, then @mem explains itself', () => {
  assert.deepEqual(parseMemIntent(''), { kind: 'help' });
  assert.deepEqual(parseMemIntent('help'), { kind: 'help' });
  assert.deepEqual(parseMemIntent('hi!'), { kind: 'greeting' });
  assert.deepEqual(parseMemIntent('thanks'), { kind: 'greeting' });
});

test('when "don\'t forget" is said, then nothing is forgotten', () => {
  assert.equal(parseMemIntent("don't forget my dentist is Dr. Weiss").kind, 'remember');
  assert.equal(looksLikeQuestion('Is my passport still valid'), true);
  assert.equal(looksLikeQuestion('I am tired'), false);
});

test('when the user asks for what @mem knows in any words, then it is a listing, never a fact', () => {
  for (const text of [
    'list everything you remember',
    'show what you know about me',
    'show me everything you remember about me',
    'tell me what you know',
    "what's stored about me?",
    'what have you saved so far?',
    'can you list what I told you so far?',
    'give me all the facts you have on me',
    'remember: list everything',
  ]) {
    assert.equal(parseMemIntent(text).kind, 'list', text);
  }
  for (const text of ['show me my dentist', 'tell me a joke', 'find my passport']) {
    assert.equal(parseMemIntent(text).kind, 'recall', text);
    assert.equal(isCommandOrQuestion(text), true, text);
  }
  assert.equal(isListRequest('i like lists'), false);
  assert.equal(isCommandOrQuestion('my dentist is Dr. Weiss'), false);
});
