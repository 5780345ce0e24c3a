import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildInstructions, HISTORY_CHAR_BUDGET, HISTORY_LIMIT, redactSecrets, toHistory, type HistoryRow } from './llm-context.ts';

const row = (id: string, role: string, content: string, metadata: Record<string, unknown> | null = null): HistoryRow => ({
  id,
  role,
  content,
  metadata,
});

describe('redactSecrets', () => {
  test('when a value holds credentials at any depth, then those properties are dropped and the rest is kept', () => {
    const value = {
      lastListed: [{ id: 'm1', subject: 'Invoice', accessToken: 'ya29.x' }],
      account: { email: 'a@example.test', imapPassword: 'hunter2', apiKey: 'k', refresh_token: 'r', Authorization: 'Bearer x' },
      pass: 'p',
      passenger: 'kept',
      compass: 'kept',
      when: new Date('2026-01-02T03:04:05Z'),
    };
    assert.deepEqual(redactSecrets(value), {
      lastListed: [{ id: 'm1', subject: 'Invoice' }],
      account: { email: 'a@example.test' },
      passenger: 'kept',
      compass: 'kept',
      when: '2026-01-02T03:04:05.000Z',
    });
  });
});

describe('toHistory', () => {
  test('when the history holds the current message and failed replies, then both are left out and the order is kept', () => {
    const history = toHistory(
      [
        row('1', 'user', 'first'),
        row('2', 'assistant', 'answer one'),
        row('3', 'user', 'second'),
        row('4', 'assistant', 'Sorry — it failed', { status: 'error' }),
        row('5', 'user', 'current'),
      ],
      '5',
    );
    assert.deepEqual(history, [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'answer one' },
      { role: 'user', content: 'second' },
    ]);
  });

  test('when there are more messages than the limit, then only the newest are kept and the slice starts with the user', () => {
    const rows = Array.from({ length: HISTORY_LIMIT + 7 }, (_, i) => row(String(i), i % 2 ? 'assistant' : 'user', `m${i}`));
    const history = toHistory(rows, 'none');
    assert.ok(history.length <= HISTORY_LIMIT);
    assert.equal(history[0]?.role, 'user');
    assert.equal(history.at(-1)?.content, `m${HISTORY_LIMIT + 6}`);
  });

  test('when messages are long, then the character budget bounds the history from the newest', () => {
    const long = 'x'.repeat(Math.ceil(HISTORY_CHAR_BUDGET / 3));
    const rows = [row('1', 'user', `a${long}`), row('2', 'assistant', `b${long}`), row('3', 'user', `c${long}`), row('4', 'assistant', 'd')];
    const history = toHistory(rows, 'none');
    assert.deepEqual(
      history.map((m) => m.content[0]),
      ['c', 'd'],
    );
  });
});

describe('buildInstructions', () => {
  test('when state and a user are given, then the prompt has the date in the user zone, the name and the state without secrets', () => {
    const prompt = buildInstructions({
      instructions: 'You are @mail.',
      user: { username: 'Ada', timezone: 'Europe/Berlin' },
      now: new Date('2026-03-02T23:30:00Z'),
      state: { lastListed: ['m1', 'm2'], smtpPassword: 'hunter2' },
    });
    assert.match(prompt, /^You are @mail\./);
    assert.match(prompt, /Tuesday, 3 March 2026/);
    assert.match(prompt, /00:30/);
    assert.match(prompt, /Ada/);
    assert.match(prompt, /"lastListed":\["m1","m2"\]/);
    assert.ok(!prompt.includes('hunter2'));
  });

  test('when there is no state, then the prompt does not mention one', () => {
    const prompt = buildInstructions({ instructions: 'x', user: { username: null, timezone: 'UTC' }, now: new Date(), state: undefined });
    assert.ok(!prompt.includes('working state'));
  });
});
