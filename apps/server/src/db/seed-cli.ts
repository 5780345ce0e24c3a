// npm run db:seed — a demo user with a little history, so a newcomer can log in and look around.
import { existsSync } from 'node:fs';
import { boot } from '../bootstrap.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { findUserByEmail } from '../features/auth/auth.repo.ts';
import { login, register } from '../features/auth/auth.service.ts';
import { postMessage } from '../features/messages/messages.service.ts';
import { createLogger } from '../lib/logger.ts';

const DEMO = { email: 'demo@lifeos.local', password: 'lifeos demo password', username: 'Demo' };
const HISTORY = [
  'what can you do?',
  '@mem remember that my dentist is Dr. Weiss',
  '@mem I like my coffee black',
  '@cal add haircut next Thursday at 10',
  "@cal what's my week look like",
  "@mem what's my dentist's name?",
];

if (existsSync('.env')) process.loadEnvFile('.env');
try {
  const config = loadConfig();
  const booted = await boot(config, { log: createLogger('warn') });
  const { ctx } = booted;
  if (await findUserByEmail(ctx.db, DEMO.email)) {
    console.log(`The demo user exists already.`);
  } else {
    await register(ctx, { ...DEMO, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' });
    const auth = await login(ctx, { email: DEMO.email, password: DEMO.password, deviceName: 'Seed' });
    const who = { userId: auth.user.id, sessionId: '', user: auth.user, kind: 'session', scopes: null, expiresAt: null } as const;
    for (const content of HISTORY) await postMessage(ctx, who, { content });
    console.log(`Seeded a demo user with ${HISTORY.length} conversations.`);
  }
  console.log(`  email:    ${DEMO.email}\n  password: ${DEMO.password}`);
  await booted.close();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
