// Connection settings (mailboxes, calendars) and later push endpoints name hosts the
// server connects to. In production those must be public addresses, so a user cannot
// make the server probe its own network. Every hop is checked, not just the first URL:
// redirects are followed here, one by one; and the socket connects to the very address
// that was checked (a `lookup` that refuses private answers), so a name that changes
// its address between the check and the connect (DNS rebinding) gains nothing.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, type Dispatcher } from 'undici';
import { outboundSpan } from './telemetry.ts';

export type Resolver = (host: string) => Promise<LookupAddress[]>;

export interface HostPolicy {
  /** Loopback and private networks allowed (development, tests). */
  allowPrivate: boolean;
  /** How names become addresses; the system resolver unless a test injects one. */
  resolve?: Resolver;
  /** Private addresses allowed all the same (a server the operator runs next to this one; tests). */
  trustedAddresses?: readonly string[];
}

function refused(address: string, policy: HostPolicy): boolean {
  if (policy.allowPrivate || !isPrivateAddress(address)) return false;
  return !policy.trustedAddresses?.includes(address.replace(/^\[|\]$/g, ''));
}

/** A host (or a hop of a redirect) the policy refuses. */
export class HostNotAllowedError extends Error {
  override name = 'HostNotAllowedError';
  readonly code = 'EHOSTNOTALLOWED';
}

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parse('2000::');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parse('64:ff9b::');

function embeddedV4(bytes: number[], from: number): ipaddr.IPv4 {
  return new ipaddr.IPv4(bytes.slice(from, from + 4));
}

/** The IPv4 address an IPv6 address carries, for the forms that route to it (mapped, compatible, NAT64, 6to4). */
function carriedV4(v6: ipaddr.IPv6): ipaddr.IPv4 | null {
  const bytes = v6.toByteArray();
  const range = v6.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return embeddedV4(bytes, 12);
  // IPv4-compatible (::a.b.c.d, e.g. ::7f00:1): deprecated, but stacks still route it as IPv4.
  if (bytes.slice(0, 12).every((b) => b === 0) && !(range === 'unspecified' || range === 'loopback')) return embeddedV4(bytes, 12);
  if (v6.match(NAT64_WELL_KNOWN, 96)) return embeddedV4(bytes, 12);
  if (range === '6to4') return embeddedV4(bytes, 2);
  return null;
}

/** True for loopback, private, link-local, shared, reserved, multicast and unspecified addresses, in any notation; also for anything that is not an IP address. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare) || isIP(bare) === 0) return true;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') return parsed.range() !== 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  const v4 = carriedV4(v6);
  if (v4) return v4.range() !== 'unicast';
  // Only global unicast (2000::/3) is public; ipaddr.js calls e.g. 64:ff9b:1::/48 or Teredo by other names.
  return v6.range() !== 'unicast' || !v6.match(GLOBAL_UNICAST_V6, 3);
}

/** The addresses of a host that the policy allows connecting to; throws HostNotAllowedError naming the host. */
export async function resolveAllowed(host: string, policy: HostPolicy): Promise<LookupAddress[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family !== 0) {
    if (refused(bare, policy)) throw new HostNotAllowedError(`${host} is not a public address`);
    return [{ address: bare, family }];
  }
  let addresses: LookupAddress[];
  try {
    addresses = await (policy.resolve ?? systemResolver)(bare);
  } catch {
    throw new HostNotAllowedError(`${host} was not found`);
  }
  if (addresses.length === 0) throw new HostNotAllowedError(`${host} was not found`);
  // One private answer spoils the name: the connection may pick any of them.
  if (addresses.some((a) => refused(a.address, policy))) throw new HostNotAllowedError(`${host} is not a public address`);
  return addresses;
}

/** Why the host may not be used, or null when it may. Resolves the name to check every address it has. */
export async function disallowedHostReason(host: string, allowPrivate: boolean, resolve?: Resolver): Promise<string | null> {
  try {
    await resolveAllowed(host, { allowPrivate, ...(resolve ? { resolve } : {}) });
    return null;
  } catch (err) {
    if (err instanceof HostNotAllowedError) return err.message;
    throw err;
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * A `lookup` for net/tls/http/undici that only ever hands out addresses the policy allows,
 * so the socket connects to what was checked.
 */
export function checkedLookup(policy: HostPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, policy).then(
      (all) => {
        const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        if (wanted.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: 'ENOTFOUND' }), []);
          return;
        }
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, []),
    );
  };
}

/** Where a mail client (IMAP, SMTP) should connect: a checked address, and the name for TLS (SNI and the certificate). */
export async function checkedConnectTarget(host: string, policy: HostPolicy): Promise<{ host: string; servername: string | undefined }> {
  const addresses = await resolveAllowed(host, policy);
  // One address, no happy-eyeballs fallback: IPv4 first, which every mail provider serves.
  const first = addresses.find((a) => a.family === 4) ?? addresses[0];
  const bare = host.replace(/^\[|\]$/g, '');
  return { host: first!.address, servername: isIP(bare) === 0 ? bare : undefined };
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

// One connection pool per policy: the plain policies are shared, a custom one lives with its object.
const plainDispatchers = new Map<boolean, Dispatcher>();
const customDispatchers = new WeakMap<HostPolicy, Dispatcher>();

function dispatcherFor(policy: HostPolicy): Dispatcher {
  const plain = !policy.resolve && !policy.trustedAddresses?.length;
  let d = plain ? plainDispatchers.get(policy.allowPrivate) : customDispatchers.get(policy);
  if (!d) {
    d = new Agent({ connect: { lookup: checkedLookup(policy) } });
    if (plain) plainDispatchers.set(policy.allowPrivate, d);
    else customDispatchers.set(policy, d);
  }
  return d;
}

/**
 * Refuses a URL the policy does not allow before any connection: not http(s), or an IP literal
 * that is refused. Names are left to the connection's `checkedLookup`, so use both together
 * (e.g. `new https.Agent({ lookup: checkedLookup(policy) })` for a client that takes an agent).
 */
export function assertAllowedUrl(url: URL, policy: HostPolicy): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new HostNotAllowedError(`${url.protocol} URLs are not allowed`);
  // Names are checked at connect time by the lookup; IP literals never reach a lookup.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && refused(host, policy)) throw new HostNotAllowedError(`${url.hostname} is not a public address`);
}

function hostRefusal(err: unknown): HostNotAllowedError | null {
  for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as { cause?: unknown } | undefined, depth++) {
    if (e instanceof HostNotAllowedError) return e;
  }
  return null;
}

/**
 * `fetch` under the host policy: every hop of a redirect is checked (followed here, at most
 * five), and every connection goes to a checked address. `redirect: 'manual'` hands the 3xx
 * back as it is (the caller's next request is checked again). A refusal is a HostNotAllowedError.
 */
export function safeFetch(policy: HostPolicy): typeof globalThis.fetch {
  return async (input, init = {}) => {
    if (input instanceof Request) throw new TypeError('safeFetch takes a URL, not a Request');
    let url = new URL(input instanceof URL ? input.href : input);
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body;
    const headers = new Headers(init.headers);
    const mode = init.redirect ?? 'follow';
    for (let hop = 0; ; hop++) {
      assertAllowedUrl(url, policy);
      let res: Response;
      try {
        const target = url;
        res = await outboundSpan(method, target, () => fetch(target, { ...init, method, headers, body, redirect: 'manual', dispatcher: dispatcherFor(policy) } as RequestInit));
      } catch (err) {
        throw hostRefusal(err) ?? err;
      }
      const location = res.headers.get('location');
      if (mode === 'manual' || !REDIRECTS.has(res.status) || !location) return res;
      await res.body?.cancel();
      if (mode === 'error') throw new TypeError(`${url.host} answered with a redirect`);
      if (hop >= MAX_REDIRECTS) throw new HostNotAllowedError(`more than ${MAX_REDIRECTS} redirects from ${new URL(input instanceof URL ? input.href : input).host}`);
      const next = new URL(location, url);
      if (res.status === 303 ? method !== 'HEAD' : (res.status === 301 || res.status === 302) && method === 'POST') {
        method = 'GET';
        body = undefined;
        headers.delete('content-type');
        headers.delete('content-length');
      } else if (body instanceof ReadableStream) {
        throw new TypeError(`${url.host} redirected a request whose body cannot be sent again`);
      }
      // Credentials are for the origin they were given to.
      if (next.origin !== url.origin) {
        headers.delete('authorization');
        headers.delete('cookie');
      }
      url = next;
    }
  };
}
