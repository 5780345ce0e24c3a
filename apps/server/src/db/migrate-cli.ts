// npm run db:migrate — applies pending migrations to the configured database.
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../lib/logger.ts';
import { createDatabase } from './client.ts';

if (existsSync('.env')) process.loadEnvFile('.env');
try {
  const config = loadConfig();
  const database = await createDatabase(config, { log: createLogger(config.logLevel) });
  const started = performance.now();
  await database.migrate();
  await database.close();
  console.log(`Migrations applied to the ${config.database.driver} database in ${Math.round(performance.now() - started)} ms.`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
