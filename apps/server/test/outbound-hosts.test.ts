// Outgoing connections with private hosts refused (production's policy), against real
// servers on loopback: 127.0.0.2 plays a public server (the policy trusts that one
// address), 127.0.0.1 the private network behind it, and an injected resolver plays DNS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { HostNotAllowedError, safeFetch, type HostPolicy, type Resolver } from '../src/lib/host-policy.ts';
import { CalDavError, connectCalDav } from '../src/integrations/caldav/caldav.client.ts';
import { verifyImapSmtpAccount, type ImapSmtpAccount } from '../src/integrations/imap-smtp/imap-smtp.client.ts';
import { GmailMailbox } from '../src/integrations/gmail/gmail.client.ts';
import { exchangeCode } from '../src/features/connections/google-oauth.ts';
import { MailProviderError } from '../src/integrations/mail/mail.types.ts';
import { startRadicale, type RadicaleServer } from './helpers/radicale.ts';
import { startDovecot, type Dovecot } from './helpers/dovecot.ts';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.ts';

const PUBLIC = '127.0.0.2';
const PRIVATE = '127.0.0.1';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

async function listen(host: string, port: number, handler: Handler): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

const close = (s: http.Server | undefined) => new Promise<void>((r) => (s ? (s.closeAllConnections(), s.close(() => r())) : r()));

/** The public server and a private one on the same port, so a rebound name would reach the private one. */
let outer: http.Server;
let inner: http.Server;
let port: number;
const innerHits: string[] = [];
let rebindCalls = 0;

const dns: Record<string, string> = { 'public.test': PUBLIC, 'other-public.test': PUBLIC, 'internal.test': PRIVATE };
const resolve: Resolver = async (host) => {
  if (host === 'rebind.test') return [{ address: rebindCalls++ === 0 ? PUBLIC : PRIVATE, family: 4 }];
  const address = dns[host];
  if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return [{ address, family: 4 } satisfies LookupAddress];
};
const policy: HostPolicy = { allowPrivate: false, trustedAddresses: [PUBLIC], resolve };
const get = safeFetch(policy);

before(async () => {
  for (let attempt = 0; ; attempt++) {
    outer = await listen(PUBLIC, 0, (req, res, body) => {
      const url = new URL(req.url!, 'http://x');
      const redirect = (status: number, location: string) => res.writeHead(status, { location }).end();
      if (url.pathname === '/ok') return res.end('public');
      if (url.pathname === '/to-ip') return redirect(302, `http://${PRIVATE}:${port}/secret`);
      if (url.pathname === '/to-name') return redirect(301, `http://internal.test:${port}/secret`);
      if (url.pathname === '/to-mapped') return redirect(307, `http://[::ffff:7f00:1]:${port}/secret`);
      if (url.pathname === '/to-file') return redirect(302, 'file:///etc/passwd');
      if (url.pathname === '/loop') return redirect(302, '/loop');
      if (url.pathname === '/cross') return redirect(307, `http://other-public.test:${port}/echo`);
      if (url.pathname === '/same') return redirect(308, '/echo');
      if (url.pathname === '/see-other') return redirect(303, '/echo');
      if (url.pathname === '/echo') return res.end(JSON.stringify({ method: req.method, authorization: req.headers.authorization ?? null, body }));
      res.writeHead(404).end();
    });
    port = (outer.address() as AddressInfo).port;
    try {
      inner = await listen(PRIVATE, port, (req, res) => {
        innerHits.push(req.url!);
        res.end('private');
      });
      break;
    } catch (err) {
      await close(outer);
      if (attempt > 20) throw err;
    }
  }
});

after(async () => {
  await close(outer);
  await close(inner);
});

describe('safeFetch with private hosts refused', () => {
  it('when a redirect points to a loopback address, a name resolving to one, or an IPv4-mapped one, then it is refused and the private server sees nothing', async () => {
    for (const path of ['/to-ip', '/to-name', '/to-mapped']) {
      await assert.rejects(get(`http://public.test:${port}${path}`), HostNotAllowedError, path);
    }
    await assert.rejects(get(`http://public.test:${port}/to-file`), { message: 'file: URLs are not allowed' });
    await assert.rejects(get(`http://internal.test:${port}/secret`), { message: 'internal.test is not a public address' });
    await assert.rejects(get(`http://${PRIVATE}:${port}/secret`), HostNotAllowedError);
    // The system resolver too: localhost is loopback whatever it resolves to first.
    await assert.rejects(safeFetch({ allowPrivate: false })(`http://localhost:${port}/secret`), { message: 'localhost is not a public address' });
    assert.deepEqual(innerHits, []);
    assert.equal(await (await get(`http://public.test:${port}/ok`)).text(), 'public');
  });

  it('when a name resolves to a public address first and to a private one afterwards, then the connection goes to the address that was checked', async () => {
    const res = await get(`http://rebind.test:${port}/ok`);
    assert.equal(await res.text(), 'public');
    assert.equal(rebindCalls, 1, 'one resolution, used for both the check and the connection');
    assert.deepEqual(innerHits, []);
  });

  it('when redirects never end, then it stops after five', async () => {
    await assert.rejects(get(`http://public.test:${port}/loop`), { name: 'HostNotAllowedError', message: /more than 5 redirects/ });
  });

  it('when a redirect leaves the origin, then the credentials stay behind; within the origin, method and body are kept', async () => {
    const init = { method: 'PUT', headers: { authorization: 'Basic c2VjcmV0' }, body: 'payload' };
    assert.deepEqual(await (await get(`http://public.test:${port}/cross`, init)).json(), { method: 'PUT', authorization: null, body: 'payload' });
    assert.deepEqual(await (await get(`http://public.test:${port}/same`, init)).json(), { method: 'PUT', authorization: 'Basic c2VjcmV0', body: 'payload' });
    assert.deepEqual(await (await get(`http://public.test:${port}/see-other`, { ...init, method: 'POST' })).json(), { method: 'GET', authorization: 'Basic c2VjcmV0', body: '' });
  });

  it('when the caller handles redirects itself, then it gets the redirect as it came', async () => {
    const res = await get(`http://public.test:${port}/to-ip`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), `http://${PRIVATE}:${port}/secret`);
  });

  it('when private hosts are allowed (development), then loopback is reachable', async () => {
    assert.equal(await (await safeFetch({ allowPrivate: true })(`http://${PRIVATE}:${port}/secret`)).text(), 'private');
    innerHits.length = 0;
  });
});

describe('Google endpoints with private hosts refused', () => {
  it('when Gmail or the token endpoint is on a private host, then no request reaches it', async () => {
    const gmail = new GmailMailbox({ account: '', rootUrl: `http://internal.test:${port}/`, fetch: get, getAccessToken: async () => 'token' });
    await assert.rejects(gmail.profileEmail());
    const cfg = { clientId: 'c', clientSecret: 's', redirectUri: 'http://lifeos.test/cb', authUrl: 'http://x/', tokenUrl: `http://${PRIVATE}:${port}/token`, scopes: [], fetch: get };
    await assert.rejects(exchangeCode(cfg, 'code', 'verifier'), /not a public address/);
    assert.deepEqual(innerHits, []);
  });
});

/** A reason to skip when a system server is missing; with CI=true it is never skipped, so a missing server fails. */
const missing = (paths: string[], install: string) => !process.env.CI && !paths.some((p) => existsSync(p)) && `not installed: ${install}`;
const noRadicale = missing(['/usr/bin/radicale'], 'apt-get install -y radicale');
const noDovecot = missing(['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'], 'apt-get install -y dovecot-imapd');

describe('CalDAV with private hosts refused', { skip: noRadicale }, () => {
  let radicale: RadicaleServer;
  /** A public CalDAV front (on 127.0.0.2) for the private radicale: `rewrite` may turn its hrefs into absolute private URLs. */
  let front: http.Server;
  let frontUrl: string;
  let rewrite: 'none' | 'report' | 'well-known' = 'none';

  before(async () => {
    radicale = await startRadicale();
    const upstream = new URL(radicale.url);
    front = await listen(PUBLIC, 0, async (req, res, body) => {
      if (rewrite === 'well-known' && req.url === '/.well-known/caldav') return res.writeHead(301, { location: `http://${PRIVATE}:${port}/dav/` }).end();
      const answer = await fetch(new URL(req.url!, upstream), {
        method: req.method!,
        headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length') as [string, string][]),
        ...(body ? { body } : {}),
        redirect: 'manual',
      });
      let text = await answer.text();
      if (rewrite === 'report' && req.method === 'REPORT') text = text.replace(/<(\w+:)?href>\//g, `<$1href>${radicale.url}`);
      const headers = Object.fromEntries([...answer.headers].filter(([k]) => !['content-length', 'content-encoding', 'transfer-encoding'].includes(k)));
      res.writeHead(answer.status, headers).end(text);
    });
    frontUrl = `http://public.test:${(front.address() as AddressInfo).port}/`;
  });

  after(async () => {
    await close(front);
    await radicale?.stop();
  });

  const creds = () => ({ url: frontUrl, username: radicale.username, password: radicale.password });
  const opts = { timeZone: 'Europe/Berlin', hosts: policy };

  it('when the server is public, then the calendar works through the policy', async () => {
    rewrite = 'none';
    const dav = await connectCalDav(creds(), opts);
    const cal = await dav.createCalendar('Work');
    const event = await dav.createEvent(cal.url, { title: 'Standup', start: new Date('2026-12-02T08:00:00Z'), end: new Date('2026-12-02T08:15:00Z'), allDay: false, timeZone: 'Europe/Berlin' });
    assert.equal(event.title, 'Standup');
    assert.ok(event.url.startsWith(frontUrl));
  });

  it("when the server's .well-known discovery points at a private host, then it is not followed: the calendars come from the public URL", async () => {
    rewrite = 'well-known';
    try {
      const dav = await connectCalDav(creds(), opts);
      const calendars = await dav.listCalendars();
      assert.ok(calendars.length > 0);
      for (const c of calendars) assert.ok(new URL(c.url, frontUrl).href.startsWith(frontUrl), c.url);
      assert.deepEqual(innerHits, []);
    } finally {
      rewrite = 'none';
    }
  });

  it('when the server returns event hrefs on a private host, then nothing is read, changed or deleted there', async () => {
    rewrite = 'none';
    const setup = await connectCalDav(creds(), opts);
    const cal = await setup.createCalendar('Private hrefs');
    await setup.createEvent(cal.url, { title: 'Keep me', start: new Date('2026-12-03T08:00:00Z'), end: new Date('2026-12-03T09:00:00Z'), allDay: false, timeZone: 'Europe/Berlin' });

    rewrite = 'report';
    const dav = await connectCalDav(creds(), opts);
    const [event] = await dav.listEvents(cal.url, { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-10T00:00:00Z') });
    assert.ok(event, 'the listing itself is on the public host');
    assert.ok(event.url.startsWith(radicale.url), `the server pointed the event at ${event.url}`);
    await assert.rejects(dav.deleteEvent(event), (err: unknown) => err instanceof CalDavError && /not a public address/.test(err.message));
    await assert.rejects(dav.updateEvent(event, { title: 'Changed' }), CalDavError);

    rewrite = 'none';
    const check = await connectCalDav(creds(), opts);
    const still = await check.listEvents(cal.url, { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-10T00:00:00Z') });
    assert.deepEqual(still.map((e) => e.title), ['Keep me']);
  });
});

describe('IMAP and SMTP with private hosts refused', { skip: noDovecot }, () => {
  let dovecot: Dovecot;
  let sink: SmtpSink;
  before(async () => {
    dovecot = await startDovecot();
    sink = await startSmtpSink({ users: [{ user: 'alice@example.test', pass: 'secret' }] });
  });
  after(async () => {
    await sink?.stop();
    await dovecot?.stop();
  });

  const account = (hosts: HostPolicy): ImapSmtpAccount => ({
    email: 'alice@example.test',
    imap: { host: 'imap.test', port: dovecot.port, secure: false, allowPlaintext: true, user: 'alice@example.test', pass: 'secret' },
    smtp: { host: 'smtp.test', port: sink.port, secure: false, allowPlaintext: true, user: 'alice@example.test', pass: 'secret' },
    hosts,
  });
  const mailDns: Resolver = async (host) => {
    if (host === 'imap.test' || host === 'smtp.test') return [{ address: PRIVATE, family: 4 }];
    throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  };

  it('when the mail server names resolve to a private address, then no login is tried and the reason names the host', async () => {
    await assert.rejects(
      verifyImapSmtpAccount(account({ allowPrivate: false, resolve: mailDns })),
      (err: unknown) => err instanceof MailProviderError && err.code === 'connection_failed' && err.message === 'Cannot connect to the IMAP server: imap.test is not a public address',
    );
    assert.equal(dovecot.host, PRIVATE);
  });

  it('when the names resolve to an allowed address, then the clients connect to that address (the names exist only in the resolver)', async () => {
    await verifyImapSmtpAccount(account({ allowPrivate: false, resolve: mailDns, trustedAddresses: [PRIVATE] }));
  });
});
