// npm run user -- <command>: account administration from the server's shell.
//
//   npm run user -- invite [--days 7]            prints a single-use invite code (REGISTRATION=invite)
//   npm run user -- reset-password <email>       prints a one-time password-reset link (30 minutes)
//
// Uses the same configuration (and .env) as the server.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { boot } from '../bootstrap.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { createInvite, INVITE_DAYS_DEFAULT } from '../features/auth/registration.ts';
import { createResetLink } from '../features/auth/password-reset.service.ts';
import { createLogger } from '../lib/logger.ts';

class UsageError extends Error {}

const USAGE = `usage: npm run user -- invite [--days N]
       npm run user -- reset-password <email>`;

if (existsSync('.env')) process.loadEnvFile('.env');
const { positionals, values } = parseArgs({ allowPositionals: true, options: { days: { type: 'string' } } });
const [command, ...rest] = positionals;

try {
  if (command !== 'invite' && command !== 'reset-password') throw new UsageError(USAGE);
  const config = loadConfig();
  const booted = await boot(config, { log: createLogger('warn') });
  try {
    if (command === 'invite') {
      const days = values.days === undefined ? INVITE_DAYS_DEFAULT : Number(values.days);
      if (!Number.isInteger(days) || days < 1 || days > 365) throw new UsageError('--days must be a whole number from 1 to 365');
      const invite = await createInvite(booted.ctx, days);
      if (config.registration !== 'invite') console.error(`Note: REGISTRATION is ${config.registration}; invite codes are asked for only with REGISTRATION=invite.`);
      process.stdout.write(`Invite code (single use, until ${invite.expiresAt.toISOString()}):\n${invite.code}\n`);
    } else {
      const email = rest[0]?.trim().toLowerCase();
      if (!email) throw new UsageError(USAGE);
      const link = await createResetLink(booted.ctx, email);
      if (!link) throw new UsageError(`No account has the email ${email}`);
      process.stdout.write(`One-time password-reset link for ${email} (valid 30 minutes):\n${link}\n`);
    }
  } finally {
    await booted.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof UsageError ? err.message : err);
  process.exitCode = 1;
}

