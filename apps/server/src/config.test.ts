import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
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
      () => loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir(), JWT_SECRET: randomBytes(32).toString('hex') }),
      /ENCRYPTION_KEY/,
    );
  });

  it('when in production, then Web Push is on only with both VAPID keys, and a subject comes from VAPID_SUBJECT or an https APP_URL', () => {
    const base = { NODE_ENV: 'production', DATA_DIR: tempDir(), APP_URL: 'http://life.example.com', JWT_SECRET: randomBytes(32).toString('hex'), ENCRYPTION_KEY: randomBytes(32).toString('hex') };
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
      [{ MEMORY_INDEX_POSTINGS: '0' }, /MEMORY_INDEX_POSTINGS/],
      [{ MEMORY_INDEX_POSTINGS: 'lots' }, /MEMORY_INDEX_POSTINGS/],
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
    const hex = randomBytes(32).toString('hex');
    const b64 = randomBytes(32).toString('base64');
    const config = loadConfig({ DATA_DIR: tempDir(), ENCRYPTION_KEY: hex, ENCRYPTION_KEYS_PREVIOUS: b64 });
    assert.equal(config.encryptionKeys.length, 2);
    assert.equal(config.encryptionKeys[0]!.toString('hex'), hex);
    assert.equal(config.encryptionKeys[1]!.toString('base64'), b64);
  });

  const production = () => ({
    NODE_ENV: 'production',
    DATA_DIR: tempDir(),
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    APP_URL: 'https://lifeos.example.com',
  });

  it('when the JWT secret is long but guessable, then it refuses to start naming JWT_SECRET', () => {
    const weak = [
      'x'.repeat(40),
      'ab'.repeat(20),
      'changeme'.repeat(5),
      'my-jwt-secret-please-change-me-in-production',
      'insecure-development-jwt-key-0123456789',
      '0123456701234567012345670123456701234567',
    ];
    for (const JWT_SECRET of weak) {
      assert.throws(
        () => loadConfig({ ...production(), JWT_SECRET }),
        (err: unknown) => err instanceof ConfigError && /JWT_SECRET/.test(err.message),
        JWT_SECRET,
      );
    }
    // Random secrets in the usual encodings still start.
    for (let i = 0; i < 50; i++) {
      assert.ok(loadConfig({ ...production(), JWT_SECRET: randomBytes(32).toString(i % 2 ? 'hex' : 'base64url') }));
    }
  });

  it('when an encryption key is all zeros or one byte repeated, then it refuses to start naming the variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ ENCRYPTION_KEY: '0'.repeat(64) }, /ENCRYPTION_KEY/],
      [{ ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }, /ENCRYPTION_KEY/],
      [{ ENCRYPTION_KEY: 'ab'.repeat(32) }, /ENCRYPTION_KEY/],
      [{ ENCRYPTION_KEYS_PREVIOUS: Buffer.alloc(32, 7).toString('base64') }, /ENCRYPTION_KEYS_PREVIOUS/],
    ];
    for (const [env, message] of cases) {
      assert.throws(() => loadConfig({ ...production(), ...env }), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    }
  });

  it('when in production without APP_URL, then it refuses to start naming APP_URL (links are never built from the Host header)', () => {
    const { APP_URL: _unset, ...env } = production();
    assert.throws(() => loadConfig(env), (err: unknown) => err instanceof ConfigError && /APP_URL/.test(err.message));
    assert.equal(loadConfig(production()).appUrl, 'https://lifeos.example.com');
    // Development may still run without it.
    assert.equal(loadConfig({ DATA_DIR: tempDir() }).appUrl, undefined);
  });

  it('when SMTP_URL is set, then MAIL_FROM is required and the scheme must be smtp, smtps or smtp+insecure', () => {
    assert.throws(() => loadConfig({ ...production(), SMTP_URL: 'smtp://mail.example.com:587' }), /MAIL_FROM/);
    assert.throws(() => loadConfig({ ...production(), SMTP_URL: 'http://mail.example.com', MAIL_FROM: 'a@b.c' }), /SMTP_URL/);
    const config = loadConfig({ ...production(), SMTP_URL: 'smtp+insecure://relay.lan:25', MAIL_FROM: 'LifeOS <lifeos@example.com>' });
    assert.deepEqual(config.mail, { url: 'smtp+insecure://relay.lan:25', from: 'LifeOS <lifeos@example.com>' });
    assert.equal(loadConfig(production()).mail, undefined);
  });
});
