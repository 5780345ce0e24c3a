import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

async function rows<T>(sql: string): Promise<T[]> {
  const result = (await server.ctx.database.db.execute(sql)) as unknown as { rows: T[] };
  return result.rows;
}

// SEED.md, column for column: name, type, nullable, default.
const SEED: Record<string, [string, string, 'YES' | 'NO', RegExp | null][]> = {
  users: [
    ['id', 'uuid', 'NO', /gen_random_uuid\(\)/],
    ['email', 'character varying(255)', 'NO', null],
    ['username', 'character varying(100)', 'YES', null],
    ['password_hash', 'character varying(255)', 'YES', null],
    ['created_at', 'timestamp with time zone', 'YES', /now\(\)/],
    ['updated_at', 'timestamp with time zone', 'YES', /now\(\)/],
  ],
  messages: [
    ['id', 'uuid', 'NO', /gen_random_uuid\(\)/],
    ['user_id', 'uuid', 'YES', null],
    ['content', 'text', 'NO', null],
    ['role', 'character varying(20)', 'NO', null],
    ['agent_name', 'character varying(50)', 'YES', null],
    ['metadata', 'jsonb', 'YES', null],
    ['created_at', 'timestamp with time zone', 'YES', /now\(\)/],
    ['updated_at', 'timestamp with time zone', 'YES', /now\(\)/],
  ],
  agent_state: [
    ['id', 'uuid', 'NO', /gen_random_uuid\(\)/],
    ['user_id', 'uuid', 'YES', null],
    ['agent_name', 'character varying(50)', 'NO', null],
    ['state_data', 'jsonb', 'NO', null],
    ['created_at', 'timestamp with time zone', 'YES', /now\(\)/],
    ['updated_at', 'timestamp with time zone', 'YES', /now\(\)/],
  ],
  sessions: [
    ['id', 'uuid', 'NO', /gen_random_uuid\(\)/],
    ['user_id', 'uuid', 'YES', null],
    ['token', 'character varying(255)', 'NO', null],
    ['expires_at', 'timestamp with time zone', 'NO', null],
    ['created_at', 'timestamp with time zone', 'YES', /now\(\)/],
  ],
};

describe('the migrated schema', () => {
  it("when migrations run on an empty database, then the seed's four tables have every seed column as specified", async () => {
    for (const [table, columns] of Object.entries(SEED)) {
      const actual = await rows<{ column_name: string; type: string; is_nullable: string; column_default: string | null }>(
        `select c.column_name, format_type(a.atttypid, a.atttypmod) as type, c.is_nullable, c.column_default
           from information_schema.columns c
           join pg_attribute a on a.attrelid = '${table}'::regclass and a.attname = c.column_name
          where c.table_schema = 'public' and c.table_name = '${table}'`,
      );
      for (const [name, type, nullable, def] of columns) {
        const col = actual.find((c) => c.column_name === name);
        assert.ok(col, `${table}.${name} missing`);
        assert.equal(col.type, type, `${table}.${name} type`);
        assert.equal(col.is_nullable, nullable, `${table}.${name} nullable`);
        if (def) assert.match(col.column_default ?? '', def, `${table}.${name} default`);
        else assert.equal(col.column_default, null, `${table}.${name} default`);
      }
    }
  });

  it("when migrations ran, then the seed's four indexes, the unique constraints and the cascades exist", async () => {
    const indexes = await rows<{ indexname: string; indexdef: string }>(`select indexname, indexdef from pg_indexes where schemaname = 'public'`);
    const def = (name: string) => indexes.find((i) => i.indexname === name)?.indexdef ?? '';
    assert.match(def('idx_messages_user_created'), /ON public\.messages USING btree \(user_id, created_at DESC\)/);
    assert.match(def('idx_messages_agent'), /ON public\.messages USING btree \(agent_name, created_at DESC\)/);
    assert.match(def('idx_sessions_token'), /ON public\.sessions USING btree \(token\)/);
    assert.match(def('idx_sessions_user'), /ON public\.sessions USING btree \(user_id\)/);

    const uniques = await rows<{ table_name: string; cols: string }>(
      `select tc.table_name, string_agg(kcu.column_name, ',' order by kcu.ordinal_position) as cols
         from information_schema.table_constraints tc
         join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name
        where tc.constraint_type = 'UNIQUE' and tc.table_schema = 'public'
        group by tc.table_name, tc.constraint_name`,
    );
    const has = (table: string, cols: string) => uniques.some((u) => u.table_name === table && u.cols === cols);
    assert.ok(has('users', 'email'));
    assert.ok(has('sessions', 'token'));
    assert.ok(has('agent_state', 'user_id,agent_name'));

    const fks = await rows<{ table_name: string; delete_rule: string }>(
      `select tc.table_name, rc.delete_rule from information_schema.referential_constraints rc
         join information_schema.table_constraints tc on tc.constraint_name = rc.constraint_name
        where tc.table_name in ('messages', 'agent_state', 'sessions')`,
    );
    assert.deepEqual(fks.map((f) => `${f.table_name}:${f.delete_rule}`).sort(), ['agent_state:CASCADE', 'messages:CASCADE', 'sessions:CASCADE']);
  });

  it('when migrations run again, then nothing changes', async () => {
    const before = await rows<{ n: number }>(`select count(*)::int as n from information_schema.columns where table_schema = 'public'`);
    await server.ctx.database.migrate();
    await server.ctx.database.migrate();
    const after = await rows<{ n: number }>(`select count(*)::int as n from information_schema.columns where table_schema = 'public'`);
    assert.deepEqual(after, before);
  });
});
