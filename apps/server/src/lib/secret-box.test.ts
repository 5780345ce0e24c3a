import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretBox, SecretBoxError } from './secret-box.ts';

const alice = { userId: 'a1', purpose: 'connection:imap' };

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

  it('when the key is rotated, then old values still open and are flagged for re-sealing', () => {
    const oldKey = randomBytes(32);
    const sealed = createSecretBox([oldKey]).seal('secret', alice);
    const rotated = createSecretBox([randomBytes(32), oldKey]);
    assert.equal(rotated.open(sealed, alice), 'secret');
    assert.equal(rotated.needsRotation(sealed), true);
    assert.equal(rotated.needsRotation(rotated.seal('secret', alice)), false);
  });
});
