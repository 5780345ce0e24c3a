import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statementOperation } from './telemetry.ts';

describe('the operation a database span is named after', () => {
  it('when a statement starts with its verb, then that verb names it', () => {
    assert.equal(statementOperation('select 1'), 'SELECT');
    assert.equal(statementOperation('  insert into "messages" values ($1)'), 'INSERT');
    assert.equal(statementOperation(''), 'QUERY');
  });

  it('when a statement opens with common table expressions, then its main statement names it, not WITH', () => {
    assert.equal(
      statementOperation('with "pending_run" as (insert into "agent_runs" values ($1) returning "message_id") insert into "messages" values ($2)'),
      'INSERT',
    );
    assert.equal(statementOperation('with "done_run" as (delete from "agent_runs" where x = 1) insert into "messages" (a) values (1)'), 'INSERT');
    assert.equal(statementOperation("with a as (select ')' as p), b as (select 2) update t set x = 1"), 'UPDATE');
    assert.equal(statementOperation('WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n+1 FROM t) SELECT n FROM t'), 'SELECT');
  });
});
