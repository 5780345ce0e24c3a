// The embedded database runs in a worker thread: a long statement does not
// stop the HTTP thread, a transaction keeps other statements out of it (one
// session), notifications arrive before the statement that sent them returns,
// and a closed database lets the process exit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { createDatabase, type Database } from '../src/db/client.ts';
import { testConfig } from './helpers/server.ts';

describe('the embedded database thread', () => {
  let database: Database;
  before(async () => {
    database = await createDatabase(testConfig(), { pgliteDataDir: 'memory://' });
    await database.execute('create table counted (n int not null)');
  });
  after(() => database?.close());

  it('when a statement runs for a long time, then timers on the main thread still fire on time', async () => {
    // The longest stretch without a timer callback, the stretch up to the end included.
    let longestGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      longestGap = Math.max(longestGap, performance.now() - last);
      last = performance.now();
    }, 10);
    const started = performance.now();
    try {
      await database.execute('select count(*) from generate_series(1, 2000000) a, generate_series(1, 2) b', [] as unknown[]);
      await database.execute('select count(*) from generate_series(1, 2000000) a, generate_series(1, 2) b where a > $1', [0]);
    } finally {
      clearInterval(timer);
      longestGap = Math.max(longestGap, performance.now() - last);
    }
    const took = performance.now() - started;
    assert.ok(took > 300, `the statements should take a while to prove anything (took ${Math.round(took)} ms)`);
    // In the same thread a timer would wait for the whole statement; beside it, only for the machine's load.
    assert.ok(longestGap < took / 3, `no timer fired for ${Math.round(longestGap)} ms during ${Math.round(took)} ms of queries`);
  });

  it('when a transaction is open, then a statement from outside waits for it and does not join it', async () => {
    let outside: Promise<unknown> | undefined;
    await assert.rejects(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into counted values (1)`);
        outside = database.db.execute(sql`insert into counted values (2)`);
        // Long enough for the outside statement to have been sent if nothing held it back.
        await new Promise((r) => setTimeout(r, 100));
        throw new Error('roll back');
      }),
      /roll back/,
    );
    await outside;
    const { rows } = await database.execute('select n from counted order by n', [] as unknown[]);
    assert.deepEqual(rows, [{ n: 2 }]);
  });

  it('when a unique index is violated, then the error keeps its PostgreSQL code', async () => {
    await database.execute('create table uniq (k text primary key); insert into uniq values ($$a$$)');
    await assert.rejects(database.execute('insert into uniq values ($1)', ['a']), (err: { code?: string; constraint?: string }) => {
      assert.equal(err.code, '23505');
      assert.equal(err.constraint, 'uniq_pkey');
      return true;
    });
    // The session is usable afterwards, also after a failed block of statements.
    await assert.rejects(database.execute('begin; insert into uniq values ($$a$$); commit;'));
    assert.deepEqual((await database.execute('select count(*)::int as n from uniq', [] as unknown[])).rows, [{ n: 1 }]);
  });

  it('when a notification is sent, then listeners have it before notify returns', async () => {
    const received: string[] = [];
    const stop = await database.listen('thread_test', (payload) => received.push(payload));
    await database.notify('thread_test', 'one');
    assert.deepEqual(received, ['one']);
    await stop();
    await database.notify('thread_test', 'two');
    assert.deepEqual(received, ['one']);
  });
});

describe('the embedded database on disk', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lifeos-thread-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('when a command-line tool closes the database, then the process exits and the data is there when reopened', () => {
    const script = (statement: string) => `
      import { createDatabase } from ${JSON.stringify(path.join(import.meta.dirname, '../src/db/client.ts'))};
      import { testConfig } from ${JSON.stringify(path.join(import.meta.dirname, 'helpers/server.ts'))};
      const database = await createDatabase(testConfig({ DATA_DIR: ${JSON.stringify(path.join(dir, 'data'))} }));
      const { rows } = await database.execute(${JSON.stringify(statement)});
      console.log(JSON.stringify(rows));
      await database.close();`;
    const run = (statement: string) => {
      const file = path.join(dir, 'tool.ts');
      writeFileSync(file, script(statement));
      return spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 120_000 });
    };
    const first = run('create table kept (v text); insert into kept values ($$written$$)');
    assert.equal(first.status, 0, first.stderr);
    const second = run('select v from kept');
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout.trim()), [{ v: 'written' }]);
  });
});
