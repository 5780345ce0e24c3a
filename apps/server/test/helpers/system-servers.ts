// The optional servers some tests need from the machine (radicale, dovecot,
// Chromium, PostgreSQL's binaries, Redis) and the opt-in PostgreSQL pass. A test
// that needs one asks `skipWithout(...)`: on a machine without it, the test is
// skipped with one line naming what is missing and how to install it; with
// CI=true a missing server is a failure instead, so CI still proves everything.
//
// NOTE: LIFEOS_TEST_HIDE=radicale,dovecot,chromium,postgresql,redis makes the
// listed servers look absent. It exists only to check the skip path on a machine
// that has them.
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export type SystemServer = 'radicale' | 'dovecot' | 'chromium' | 'postgresql' | 'redis';
/** `test-database` is TEST_DATABASE_URL: a pass of its own, so its absence is always a skip. */
export type Need = SystemServer | 'test-database';

const redisUrl = () => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The Redis the multi-instance tests use (TEST_REDIS_URL, or the local default). */
export const REDIS_URL = redisUrl();

/** The newest Debian PostgreSQL bin folder (initdb, pg_ctl), or undefined. */
function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  const bin = version && path.join(root, version, 'bin');
  return bin && existsSync(path.join(bin, 'pg_ctl')) ? bin : undefined;
}

const firstExisting = (...candidates: string[]) => () => candidates.find((p) => existsSync(p));

type Installed = 'radicale' | 'dovecot' | 'chromium' | 'postgresql';
const BINARIES: Record<Installed, { name: string; install: string; find(): string | undefined }> = {
  radicale: { name: 'radicale', install: 'apt-get install radicale', find: firstExisting('/usr/bin/radicale') },
  dovecot: { name: 'dovecot', install: 'apt-get install dovecot-imapd', find: firstExisting('/usr/sbin/dovecot', '/usr/local/sbin/dovecot') },
  chromium: { name: 'Chromium', install: 'apt-get install chromium', find: firstExisting('/usr/bin/chromium') },
  postgresql: { name: 'PostgreSQL (initdb, pg_ctl)', install: 'apt-get install postgresql', find: postgresBinDir },
};

export class MissingServerError extends Error {}

const hidden = (server: SystemServer) =>
  (process.env.LIFEOS_TEST_HIDE ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .includes(server);

export const inCi = () => /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** The installed binary (for postgresql: its bin folder); throws MissingServerError with the install hint. */
export function systemBinary(server: Installed): string {
  const { name, install, find } = BINARIES[server];
  const found = hidden(server) ? undefined : find();
  if (!found) throw new MissingServerError(`${name} is not installed (${install})`);
  return found;
}

/** True when something answers a Redis PING at `url` within a second. */
async function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // Any RESP reply (+PONG, or -NOAUTH when a password is needed) is a Redis server.
    socket.once('data', (d) => done(/^[+-]/.test(d.toString())));
  });
}

async function whyMissing(need: Need): Promise<string | undefined> {
  if (need === 'test-database') {
    return process.env.TEST_DATABASE_URL ? undefined : 'needs TEST_DATABASE_URL (the PostgreSQL pass: TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test)';
  }
  if (need === 'redis') {
    const url = redisUrl();
    if (!hidden('redis') && (await redisAnswers(url))) return undefined;
    return `Redis is not reachable at ${url} (apt-get install redis-server, then redis-server --port 6379; or set TEST_REDIS_URL)`;
  }
  try {
    systemBinary(need);
    return undefined;
  } catch (err) {
    if (err instanceof MissingServerError) return err.message;
    throw err;
  }
}

/**
 * Why a test needing all of `needs` cannot run here (its skip reason), or false
 * when it can. Use as `describe(name, { skip: await skipWithout('radicale') }, …)`.
 * Under CI a missing system server throws, which fails the test file.
 */
export async function skipWithout(...needs: Need[]): Promise<string | false> {
  // The PostgreSQL pass is chosen by the caller, not installed: never a failure.
  if (needs.includes('test-database')) {
    const reason = await whyMissing('test-database');
    if (reason) return `skipped: ${reason}`;
  }
  const missing: string[] = [];
  for (const need of needs) {
    if (need === 'test-database') continue;
    const reason = await whyMissing(need);
    if (reason) missing.push(reason);
  }
  if (missing.length === 0) return false;
  if (inCi()) throw new MissingServerError(`${missing.join('; ')}. CI=true needs every test server: a missing one is a failure, not a skip.`);
  return `skipped: ${missing.join('; ')}`;
}
