import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'lifeos-config-'));

describe('loadConfig', () => {
  it('when nothing is set, then it runs on the embedded database on port 3001 with secrets generated once and kept', () => {
    const dir = tempDir();
    const first = loadConfig({ DATA_DIR: dir });
    assert.equal(first.port, 3001);
    assert.equal(first.database.driver, 'pglite');
    assert.equal(first.env, 'development');
    const second = loadConfig({ DATA_DIR: dir });
    assert.deepEqual(second.jwtSecret, first.jwtSecret);
    assert.deepEqual(second.encryptionKeys[0], first.encryptionKeys[0]);
    const file = path.join(dir, 'dev-secrets.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(file, 'utf8'))).sort(), ['encryptionKey', 'jwtSecret', 'vapidKeys']);
    // The Web Push key pair is kept too: browsers' subscriptions are bound to its public key.
    assert.deepEqual(second.push.vapid, first.push.vapid);
    assert.equal(Buffer.from(first.push.vapid!.publicKey, 'base64url').length, 65);
    assert.equal(Buffer.from(first.push.vapid!.privateKey, 'base64url').length, 32);
    // Two data folders never share a generated secret.
    assert.notDeepEqual(loadConfig({ DATA_DIR: tempDir() }).jwtSecret, first.jwtSecret);
  });

  it('when in production without JWT_SECRET or ENCRYPTION_KEY, then it refuses to start naming the variable', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir() }), /JWT_SECRET/);
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir(), JWT_SECRET: 'x'.repeat(40) }),
      /ENCRYPTION_KEY/,
    );
  });

  it('when in production, then Web Push is on only with both VAPID keys, and a subject comes from VAPID_SUBJECT or an https APP_URL', () => {
    const base = { NODE_ENV: 'production', DATA_DIR: tempDir(), JWT_SECRET: 'x'.repeat(40), ENCRYPTION_KEY: 'a'.repeat(64) };
    assert.equal(loadConfig(base).push.vapid, undefined);
    const keys = loadConfig({ DATA_DIR: tempDir() }).push.vapid!;
    assert.throws(() => loadConfig({ ...base, VAPID_PUBLIC_KEY: keys.publicKey }), /VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY/);
    assert.throws(() => loadConfig({ ...base, VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey }), /VAPID_SUBJECT/);
    assert.throws(() => loadConfig({ ...base, VAPID_PUBLIC_KEY: 'short', VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: 'mailto:ops@example.com' }), /VAPID_PUBLIC_KEY/);
    assert.throws(() => loadConfig({ ...base, VAPID_SUBJECT: 'ops@example.com' }), /VAPID_SUBJECT/);
    const fromAppUrl = loadConfig({ ...base, VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, APP_URL: 'https://life.example.com' });
    assert.deepEqual(fromAppUrl.push.vapid, { ...keys, subject: 'https://life.example.com' });
  });

  it('when a value is malformed, then the error names that variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'eighty' }, /PORT/],
      [{ PORT: '70000' }, /PORT/],
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
      [{ JWT_SECRET: 'short' }, /JWT_SECRET/],
      [{ ENCRYPTION_KEY: 'abcd' }, /ENCRYPTION_KEY/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
      [{ NODE_ENV: 'staging' }, /NODE_ENV/],
      [{ DATABASE_DRIVER: 'pg' }, /DATABASE_URL/],
    ];
    for (const [env, message] of cases) {
      assert.throws(() => loadConfig({ DATA_DIR: tempDir(), ...env }), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    }
  });

  it('when DATABASE_URL points at Neon or any PostgreSQL, then the matching driver is chosen', () => {
    const base = { DATA_DIR: tempDir() };
    assert.equal(loadConfig({ ...base, DATABASE_URL: 'postgresql://u:p@ep-cool-1.eu-central-1.aws.neon.tech/db?sslmode=require' }).database.driver, 'neon');
    assert.equal(loadConfig({ ...base, DATABASE_URL: 'postgres://u@127.0.0.1:5432/test' }).database.driver, 'pg');
    assert.equal(loadConfig({ ...base, DATABASE_URL: 'postgres://u@127.0.0.1:5432/test', DATABASE_DRIVER: 'neon' }).database.driver, 'neon');
  });

  it('when keys are given as hex or base64 with previous keys, then all are loaded, current first', () => {
    const hex = 'ab'.repeat(32);
    const b64 = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({ DATA_DIR: tempDir(), ENCRYPTION_KEY: hex, ENCRYPTION_KEYS_PREVIOUS: b64 });
    assert.equal(config.encryptionKeys.length, 2);
    assert.equal(config.encryptionKeys[0]!.toString('hex'), hex);
    assert.equal(config.encryptionKeys[1]!.toString('base64'), b64);
  });
});
