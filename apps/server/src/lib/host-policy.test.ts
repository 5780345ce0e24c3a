import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disallowedHostReason, isPrivateAddress } from './host-policy.ts';

test('when an address is loopback, private or link-local, then it counts as private', () => {
  for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
    assert.equal(isPrivateAddress(a), true, a);
  }
  for (const a of ['93.184.216.34', '2606:4700:4700::1111', '1.1.1.1']) assert.equal(isPrivateAddress(a), false, a);
});

test('when private hosts are not allowed, then mailbox settings naming one are refused', async () => {
  assert.equal(await disallowedHostReason('127.0.0.1', false), '127.0.0.1 is not a public address');
  assert.equal(await disallowedHostReason('[::1]', false), '[::1] is not a public address');
  assert.equal(await disallowedHostReason('localhost', false), 'localhost is not a public address');
  assert.equal(await disallowedHostReason('1.1.1.1', false), null);
  assert.equal(await disallowedHostReason('127.0.0.1', true), null);
});
