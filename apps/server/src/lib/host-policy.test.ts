import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { checkedConnectTarget, checkedLookup, disallowedHostReason, HostNotAllowedError, isPrivateAddress, resolveAllowed, type Resolver } from './host-policy.ts';

const names: Record<string, LookupAddress[]> = {
  'mail.example': [{ address: '93.184.216.34', family: 4 }],
  'loopback.example': [{ address: '127.0.0.1', family: 4 }],
  'mapped.example': [{ address: '::ffff:127.0.0.1', family: 6 }],
  'mixed.example': [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }],
  'dual.example': [{ address: '2606:4700:4700::1111', family: 6 }, { address: '1.1.1.1', family: 4 }],
};
const resolve: Resolver = async (host) => {
  const found = names[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};

describe('which addresses are private', () => {
  it('when an address is loopback, private, shared, link-local, reserved or unspecified, in any IPv4 or IPv6 notation, then it counts as private', () => {
    for (const a of [
      '127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '192.168.1.1', '100.64.0.1', '100.127.255.254', '169.254.169.254',
      '0.0.0.0', '0.1.2.3', '192.0.0.8', '192.0.2.1', '198.18.0.1', '224.0.0.1', '255.255.255.255',
      '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1', '2001:db8::1',
      // IPv4 carried in IPv6: mapped, compatible, SIIT, NAT64 and 6to4 forms of private IPv4.
      '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::7f00:1', '::127.0.0.1', '::a00:1', '::ffff:0:7f00:1',
      '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '64:ff9b::10.0.0.1', '64:ff9b:1::1', '2002:7f00:1::', '2002:a9fe:a9fe::1', '2002:c0a8:101::1',
      // Teredo hides its IPv4 end; not a destination for us.
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      'not-an-ip', '', '1.2.3', '[::1]',
    ]) {
      assert.equal(isPrivateAddress(a), true, a);
    }
  });

  it('when an address is public, also carried in NAT64 or 6to4, then it does not count as private', () => {
    for (const a of ['93.184.216.34', '1.1.1.1', '8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:1.1.1.1', '64:ff9b::808:808', '2002:808:808::1']) {
      assert.equal(isPrivateAddress(a), false, a);
    }
  });
});

describe('resolving under the host policy', () => {
  it('when a name resolves to a private address, in any of its answers, then it is refused with its name', async () => {
    await assert.rejects(resolveAllowed('loopback.example', { allowPrivate: false, resolve }), { name: 'HostNotAllowedError', message: 'loopback.example is not a public address' });
    await assert.rejects(resolveAllowed('mapped.example', { allowPrivate: false, resolve }), HostNotAllowedError);
    await assert.rejects(resolveAllowed('mixed.example', { allowPrivate: false, resolve }), HostNotAllowedError);
    await assert.rejects(resolveAllowed('nowhere.example', { allowPrivate: false, resolve }), { message: 'nowhere.example was not found' });
    await assert.rejects(resolveAllowed('[::ffff:7f00:1]', { allowPrivate: false, resolve }), HostNotAllowedError);
    assert.deepEqual(await resolveAllowed('mail.example', { allowPrivate: false, resolve }), names['mail.example']);
    assert.deepEqual(await resolveAllowed('loopback.example', { allowPrivate: true, resolve }), names['loopback.example']);
    assert.deepEqual(await resolveAllowed('127.0.0.2', { allowPrivate: false, trustedAddresses: ['127.0.0.2'] }), [{ address: '127.0.0.2', family: 4 }]);
  });

  it('when mailbox settings name a private host, then the reason says so', async () => {
    assert.equal(await disallowedHostReason('127.0.0.1', false), '127.0.0.1 is not a public address');
    assert.equal(await disallowedHostReason('[::1]', false), '[::1] is not a public address');
    assert.equal(await disallowedHostReason('localhost', false), 'localhost is not a public address');
    assert.equal(await disallowedHostReason('1.1.1.1', false), null);
    assert.equal(await disallowedHostReason('127.0.0.1', true), null);
    assert.equal(await disallowedHostReason('loopback.example', false, resolve), 'loopback.example is not a public address');
  });

  it('when a socket looks a name up through the checked lookup, then it gets only checked addresses, in the shape it asked for', async () => {
    const lookup = checkedLookup({ allowPrivate: false, resolve });
    const ask = (host: string, options: { all?: boolean; family?: number }) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family: unknown }>((done) => lookup(host, options, (err, address, family) => done({ err, address, family })));
    assert.deepEqual(await ask('dual.example', { all: true }), { err: null, address: names['dual.example'], family: undefined });
    assert.deepEqual(await ask('dual.example', { family: 4 }), { err: null, address: '1.1.1.1', family: 4 });
    assert.deepEqual(await ask('dual.example', {}), { err: null, address: '2606:4700:4700::1111', family: 6 });
    const refused = await ask('loopback.example', { all: true });
    assert.ok(refused.err instanceof HostNotAllowedError);
    assert.equal((await ask('mail.example', { family: 6 })).err?.code, 'ENOTFOUND');
  });

  it('when a mail client is told where to connect, then it gets the checked address and keeps the name for TLS', async () => {
    assert.deepEqual(await checkedConnectTarget('mail.example', { allowPrivate: false, resolve }), { host: '93.184.216.34', servername: 'mail.example' });
    assert.deepEqual(await checkedConnectTarget('1.1.1.1', { allowPrivate: false, resolve }), { host: '1.1.1.1', servername: undefined });
    assert.deepEqual(await checkedConnectTarget('dual.example', { allowPrivate: false, resolve }), { host: '1.1.1.1', servername: 'dual.example' });
    await assert.rejects(checkedConnectTarget('loopback.example', { allowPrivate: false, resolve }), HostNotAllowedError);
  });
});
