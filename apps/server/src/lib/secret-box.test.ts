import assert from 'node:assert/strict';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretBox, SecretBoxError } from './secret-box.ts';

const alice = { userId: 'a1', purpose: 'connection:imap', rowId: 'row-1' };

/** A value as the first release sealed it: `v1`, user and purpose as associated data, no row id. */
function sealV1(key: Buffer, plaintext: string, b: { userId: string; purpose: string }): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(`lifeos:v1:${b.userId}:${b.purpose}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const id = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return ['v1', id, nonce.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

describe('secret box', () => {
  it('when a secret is sealed, then the stored value does not contain it and opens back to it', () => {
    const box = createSecretBox([randomBytes(32)]);
    const sealed = box.seal('hunter2-imap-password', alice);
    assert.ok(!sealed.includes('hunter2'));
    assert.equal(box.open(sealed, alice), 'hunter2-imap-password');
    assert.notEqual(box.seal('same', alice), box.seal('same', alice), 'a fresh nonce each time');
  });

  it('when the value is opened for another user or purpose, tampered with, or with a wrong key, then it fails closed', () => {
    const key = randomBytes(32);
    const box = createSecretBox([key]);
    const sealed = box.seal('secret', alice);
    assert.throws(() => box.open(sealed, { ...alice, userId: 'b2' }), SecretBoxError);
    assert.throws(() => box.open(sealed, { ...alice, purpose: 'connection:google' }), SecretBoxError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    assert.throws(() => box.open(parts.join('.'), alice), SecretBoxError);
    assert.throws(() => createSecretBox([randomBytes(32)]).open(sealed, alice), SecretBoxError);
    assert.throws(() => box.open('garbage', alice), SecretBoxError);
  });

  it('when a sealed value is copied into another row of the same user and purpose, then it does not open there', () => {
    const box = createSecretBox([randomBytes(32)]);
    const sealed = box.seal('secret', alice);
    assert.throws(() => box.open(sealed, { ...alice, rowId: 'row-2' }), SecretBoxError);
    assert.throws(() => box.seal('secret', { ...alice, rowId: '' }), SecretBoxError);
  });

  it('when the tag is cut short (even to a length GCM would accept), then the value does not open', () => {
    const box = createSecretBox([randomBytes(32)]);
    const parts = box.seal('secret', alice).split('.');
    const tag = Buffer.from(parts[4]!, 'base64url');
    assert.equal(tag.length, 16);
    for (const length of [4, 8, 12, 15]) {
      const cut = [...parts.slice(0, 4), tag.subarray(0, length).toString('base64url')].join('.');
      assert.throws(() => box.open(cut, alice), SecretBoxError, `a ${length}-byte tag`);
    }
  });

  it('when a value was sealed in the old format without a row id, then it still opens, only for its user and purpose, and is flagged for re-sealing', () => {
    const key = randomBytes(32);
    const box = createSecretBox([key]);
    const legacy = sealV1(key, 'old-password', alice);
    assert.equal(box.open(legacy, alice), 'old-password');
    assert.throws(() => box.open(legacy, { ...alice, userId: 'b2' }), SecretBoxError);
    assert.equal(box.needsRotation(legacy), true);
    assert.equal(box.needsRotation(box.seal('old-password', alice)), false);
  });

  it('when the key is rotated, then old values still open and are flagged for re-sealing', () => {
    const oldKey = randomBytes(32);
    const sealed = createSecretBox([oldKey]).seal('secret', alice);
    const rotated = createSecretBox([randomBytes(32), oldKey]);
    assert.equal(rotated.open(sealed, alice), 'secret');
    assert.equal(rotated.needsRotation(sealed), true);
    assert.equal(rotated.needsRotation(rotated.seal('secret', alice)), false);
  });
});
