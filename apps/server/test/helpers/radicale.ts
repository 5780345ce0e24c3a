import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemBinary } from './system-servers.ts';

export type RadicaleServer = {
  url: string;
  username: string;
  password: string;
  stop(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`radicale exited (${child.exitCode}): ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`radicale did not listen on ${port}: ${log()}`);
}

/**
 * Starts Debian's radicale on 127.0.0.1 with a throwaway htpasswd user and storage in a
 * temporary folder. Tests that use it check `skipWithout('radicale')` first.
 */
export async function startRadicale(): Promise<RadicaleServer> {
  const binary = systemBinary('radicale');
  const dir = await mkdtemp(join(tmpdir(), 'radicale-'));
  await mkdir(join(dir, 'collections'));
  const port = await freePort();
  const username = `user${randomBytes(3).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await writeFile(join(dir, 'users'), `${username}:${password}\n`);
  await writeFile(
    join(dir, 'config'),
    [
      '[server]', `hosts = 127.0.0.1:${port}`,
      '[auth]', 'type = htpasswd', `htpasswd_filename = ${join(dir, 'users')}`, 'htpasswd_encryption = plain',
      '[rights]', 'type = owner_only',
      '[storage]', `filesystem_folder = ${join(dir, 'collections')}`,
      '[web]', 'type = none',
      '[logging]', 'level = warning',
    ].join('\n'),
  );
  let output = '';
  const child = spawn(binary, ['--config', join(dir, 'config')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  child.once('error', (err) => (output += String(err)));
  try {
    await waitForPort(port, child, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}/`,
    username,
    password,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
