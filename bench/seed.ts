// Seeds a benchmark database straight through SQL (no HTTP, no argon2 per
// user): users sharing one real password hash, a session each with a signed
// access token, and a chat history per user.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../apps/server/src/config.ts';
import { createDatabase } from '../apps/server/src/db/client.ts';
import { hashPasswordOffline } from '../apps/server/src/features/auth/passwords.ts';
import { signAccessToken } from '../apps/server/src/features/auth/tokens.ts';

export const BENCH_PASSWORD = 'a sturdy benchmark passphrase 42';

export interface BenchUser {
  id: string;
  email: string;
  token: string;
}

export interface SeedOptions {
  /** postgres:// URL, or undefined for PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  jwtSecret: string;
  users: number;
  messagesPerUser: number;
}

export async function seed(options: SeedOptions): Promise<BenchUser[]> {
  const config = loadConfig({
    NODE_ENV: 'production',
    APP_URL: 'http://127.0.0.1',
    JWT_SECRET: options.jwtSecret,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    DATA_DIR: options.dataDir,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  });
  const database = await createDatabase(config);
  try {
    await database.migrate();
    const hash = await hashPasswordOffline(BENCH_PASSWORD);
    const run = async (text: string, values?: unknown[]) => (await database.execute(text, values)).rows as Record<string, string>[];
    const users = await run(
      `insert into users (email, password_hash, timezone)
       select 'bench' || i || '@example.test', $1, 'UTC' from generate_series(1, $2::int) i
       returning id, email`,
      [hash, options.users],
    );
    const sessions = await run(
      `insert into sessions (user_id, token, expires_at)
       select id, md5(random()::text || id::text) || md5(random()::text), now() + interval '1 day' from users
       where email like 'bench%@example.test'
       returning id, user_id`,
    );
    await run(
      `insert into messages (user_id, content, role, agent_name, metadata, created_at, updated_at)
       select u.id,
              'Seeded message ' || g || ': the quick brown fox jumps over the lazy dog, twice over, for a realistic length.',
              case when g % 2 = 0 then 'user' else 'assistant' end,
              case when g % 3 = 0 then '@mem' end,
              case when g % 2 = 1 then '{"engine":"builtin"}'::jsonb end,
              now() - make_interval(secs => $1::int - g), now() - make_interval(secs => $1::int - g)
       from users u, generate_series(1, $1::int) g
       where u.email like 'bench%@example.test'
       order by g, u.id`,
      [options.messagesPerUser],
    );
    await run('analyze');
    const sessionOf = new Map(sessions.map((s) => [s.user_id!, s.id!]));
    const now = new Date();
    const secret = new TextEncoder().encode(options.jwtSecret);
    return Promise.all(
      users.map(async (u) => ({
        id: u.id!,
        email: u.email!,
        token: (await signAccessToken(secret, { userId: u.id!, sessionId: sessionOf.get(u.id!)! }, now)).token,
      })),
    );
  } finally {
    await database.close();
  }
}
