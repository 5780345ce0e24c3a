import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, chmod, chown, rm, readFile } from 'node:fs/promises';
import { userInfo, tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { ImapFlow } from 'imapflow';
import { systemBinary } from './system-servers.ts';

export interface DovecotUser {
  email: string;
  password: string;
}

export interface Dovecot {
  host: string;
  port: number;
  dir: string;
  users: DovecotUser[];
  /** Appends a raw RFC 5322 message to a user's mailbox (IMAP APPEND), unread unless flags say otherwise. */
  deliver(user: DovecotUser, raw: string | Buffer, opts?: { mailbox?: string; flags?: string[]; date?: Date }): Promise<void>;
  /** The server's log, for diagnosing a failed test. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
      srv.close(() => resolve(addr.port));
    });
  });
}

async function waitForGreeting(host: string, port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with code ${child.exitCode}`);
    try {
      await new Promise<void>((resolve, reject) => {
        const sock = net.connect({ host, port });
        sock.setTimeout(1000);
        sock.once('data', (d) => {
          sock.destroy();
          if (d.toString().startsWith('* OK')) resolve();
          else reject(new Error(`unexpected greeting ${d.toString()}`));
        });
        sock.once('timeout', () => {
          sock.destroy();
          reject(new Error('greeting timeout'));
        });
        sock.once('error', reject);
      });
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`dovecot did not answer on ${host}:${port}: ${String(lastError)}`);
}

/**
 * Starts a private dovecot (IMAP only) in a fresh temp dir: every socket, pid file,
 * state file, log and maildir lives there, so parallel test files and a system
 * dovecot never share anything.
 */
export async function startDovecot(opts: { users?: DovecotUser[] } = {}): Promise<Dovecot> {
  const binary = systemBinary('dovecot');
  const users = opts.users ?? [{ email: 'alice@example.test', password: 'secret' }];
  const host = '127.0.0.1';
  const dir = await mkdtemp(join(tmpdir(), 'dovecot-'));
  // Login and mail processes run as unprivileged users and must traverse the dir.
  await chmod(dir, 0o755);
  const isRoot = process.getuid?.() === 0;
  const me = userInfo();
  const mailUid = isRoot ? 65534 : me.uid;
  const mailGid = isRoot ? 65534 : me.gid;
  const mailRoot = join(dir, 'mail');
  for (const d of ['run', 'state', 'mail']) await mkdir(join(dir, d), { recursive: true });
  if (isRoot) await chown(mailRoot, mailUid, mailGid);

  const passwd = users.map((u) => `${u.email}:{PLAIN}${u.password}`).join('\n') + '\n';
  await writeFile(join(dir, 'passwd'), passwd, { mode: 0o644 });

  const port = await freePort();
  const conf = `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = dovecot-test-${port}
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
${isRoot ? '' : `default_login_user = ${me.username}\ndefault_internal_user = ${me.username}\n`}first_valid_uid = 1
mail_location = maildir:${mailRoot}/%u/Maildir
mail_uid = ${mailUid}
mail_gid = ${mailGid}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${mailRoot}/%u
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Archive {
    auto = create
    special_use = \\Archive
  }
  mailbox Sent {
    auto = create
    special_use = \\Sent
  }
  mailbox Trash {
    auto = create
    special_use = \\Trash
  }
}
protocol imap {
  mail_max_userip_connections = 200
}
# No growing auth penalty between the failed logins tests make on purpose.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
  const confPath = join(dir, 'dovecot.conf');
  await writeFile(confPath, conf);

  // -F keeps the master in the foreground so this process owns it and can stop it.
  const child = spawn(binary, ['-F', '-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d.toString()));
  child.stdout?.resume();
  child.once('error', (err) => (stderr += String(err)));
  try {
    await waitForGreeting(host, port, 15_000, child);
  } catch (err) {
    // A spawn that failed may never emit 'exit': wait a bounded time.
    const exited = child.pid !== undefined && child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined;
    child.kill('SIGKILL');
    if (exited) await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
    const log = await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${stderr}\n${log}`);
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  return {
    host,
    port,
    dir,
    users,
    async deliver(user, raw, o = {}) {
      const client = new ImapFlow({
        host,
        port,
        secure: false,
        auth: { user: user.email, pass: user.password },
        logger: false,
      });
      await client.connect();
      try {
        await client.append(o.mailbox ?? 'INBOX', raw, o.flags ?? [], o.date);
      } finally {
        await client.logout();
      }
    },
    log: () => readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => ''),
    stop,
  };
}
