import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loggablePath, serializeError } from './logger.ts';

describe('what the logger writes', () => {
  it('when a path carries a secret parameter, then the parameter is replaced and the query dropped', () => {
    assert.equal(loggablePath('/api/calendar/feed/abcDEF_123-xyz.ics?x=1'), '/api/calendar/feed/[redacted].ics');
    assert.equal(loggablePath('/api/memories/5b0c?q=secret'), '/api/memories/5b0c');
    assert.equal(loggablePath('/api/calendar/feed-url'), '/api/calendar/feed-url');
  });

  it('when a database error carries parameters and a detail, then only its statement, code and short message remain', () => {
    const cause = Object.assign(new Error('invalid input syntax for type uuid: "alice@example.test"'), { code: '22P02', severity: 'ERROR', detail: 'Key (email)=(alice@example.test)' });
    const wrapped = Object.assign(new Error('Failed query: select "id" from "users" where "email" = $1\nparams: alice@example.test'), {
      query: 'select "id" from "users" where "email" = $1',
      params: ['alice@example.test'],
      cause,
    });
    const out = serializeError(wrapped) as Record<string, unknown>;
    assert.deepEqual({ ...out, stack: undefined }, { type: 'DatabaseError', message: 'invalid input syntax for type uuid', code: '22P02', statement: 'select users', stack: undefined });
    assert.ok(!JSON.stringify(out).includes('alice'));
    assert.equal(serializeError('Failed query: x\nparams: alice@example.test'), 'Failed query: x');
  });

  it('when an error is not from the database, then it is logged as pino logs it', () => {
    const out = serializeError(new TypeError('boom')) as Record<string, unknown>;
    assert.equal(out.type, 'TypeError');
    assert.equal(out.message, 'boom');
  });
});
