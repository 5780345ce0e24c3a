// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, MCP
// 2025-11-25): a client_id that is an https URL names a JSON document, published by the
// client, that says who it is and where it may return to. This file checks such a URL,
// fetches the document (under the host policy, small, quick, no redirects) and validates it.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { HostNotAllowedError } from '../../lib/host-policy.ts';

export const MAX_DOCUMENT_BYTES = 64 * 1024;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_URL_LENGTH = 2000;
const MAX_REDIRECT_URIS = 10;
/** How long a fetched document is trusted: its max-age, but at least five minutes and at most a day. */
export const MIN_CACHE_MS = 5 * 60_000;
export const MAX_CACHE_MS = 24 * 3_600_000;
const DEFAULT_CACHE_MS = 3_600_000;

/** Why a metadata document (or its URL) was refused; the text is shown to the user and the client. */
export class ClientMetadataError extends Error {
  override name = 'ClientMetadataError';
}

/** A client_id meant as a metadata document URL (rather than an id this server issued). */
export const isMetadataUrl = (clientId: string) => /^https?:\/\//i.test(clientId);

/** The id of the row that caches a document: client_ids that are URLs outgrow the id column and its references. */
export const CIMD_KEY_PREFIX = 'lifeos_cimd_';
export const clientKeyFor = (url: string) => `${CIMD_KEY_PREFIX}${createHash('sha256').update(url).digest('base64url').slice(0, 43)}`;

const isLoopbackHost = (host: string) => ['localhost', '127.0.0.1', '[::1]'].includes(host);

/**
 * The rules for a client identifier URL (draft §3): https (http on loopback only where private
 * hosts are allowed, i.e. outside production), a path, no credentials, no fragment, and
 * written in its normal form, since the document must repeat it character for character.
 */
export function checkMetadataUrl(clientId: string, allowLoopbackHttp: boolean): URL {
  if (clientId.length > MAX_URL_LENGTH) throw new ClientMetadataError('The client_id URL is too long.');
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    throw new ClientMetadataError('The client_id is not a valid URL.');
  }
  const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(allowLoopbackHttp && loopbackHttp)) {
    throw new ClientMetadataError('A client_id URL must use https.');
  }
  if (url.username || url.password) throw new ClientMetadataError('A client_id URL must not contain a user name or password.');
  if (url.hash || clientId.includes('#')) throw new ClientMetadataError('A client_id URL must not have a fragment.');
  if (url.pathname === '/') throw new ClientMetadataError('A client_id URL must have a path (the metadata document).');
  // Dot segments, upper-case hosts, default ports and the like: the parser would rewrite them.
  if (url.href !== clientId) throw new ClientMetadataError(`The client_id URL is not in its normal form (${url.href}).`);
  return url;
}

/** https, or http on loopback (RFC 8252 §7.3) for native apps; no fragment. */
const RedirectUri = z
  .string()
  .max(MAX_URL_LENGTH)
  .refine((value) => {
    try {
      const url = new URL(value);
      if (url.hash) return false;
      return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
    } catch {
      return false;
    }
  }, 'each redirect URI must be https, or http on localhost, without a fragment');

/** The document, as far as LifeOS uses it; unknown members are allowed and ignored (RFC 7591 §2). */
const MetadataDocument = z.object({
  client_id: z.string(),
  client_name: z.string().max(1000).optional(),
  client_uri: z.string().max(MAX_URL_LENGTH).optional(),
  redirect_uris: z.array(RedirectUri).min(1, 'redirect_uris must list at least one URI').max(MAX_REDIRECT_URIS),
  grant_types: z.array(z.enum(['authorization_code', 'refresh_token'], 'grant_types may hold authorization_code and refresh_token only')).optional(),
  response_types: z.array(z.literal('code', 'response_types may hold code only')).optional(),
  // No secret can be shared with a document, so every such client is public (PKCE protects the code).
  token_endpoint_auth_method: z.literal('none', 'token_endpoint_auth_method must be "none"').optional(),
  client_secret: z.undefined('a metadata document must not contain a client_secret').optional(),
  client_secret_expires_at: z.undefined('a metadata document must not contain client_secret_expires_at').optional(),
});

export interface ClientMetadata {
  name: string;
  redirectUris: string[];
  grantTypes: string[];
  clientUri?: string;
  /** How long the document may be used before it is fetched again. */
  cacheMs: number;
}

/** The freshness lifetime from Cache-Control, held between a few minutes and a day. */
export function cacheLifetime(cacheControl: string | null): number {
  const header = (cacheControl ?? '').toLowerCase();
  if (/(^|[,\s])(no-store|no-cache)([,\s=]|$)/.test(header)) return MIN_CACHE_MS;
  const maxAge = /(?:^|[,\s])max-age\s*=\s*"?(\d+)/.exec(header);
  const ms = maxAge ? Number(maxAge[1]) * 1000 : DEFAULT_CACHE_MS;
  return Math.min(MAX_CACHE_MS, Math.max(MIN_CACHE_MS, ms));
}

/** Reads at most `limit` bytes of a body; more is an error, and the rest is not downloaded. */
async function readLimited(res: Response, limit: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel();
    throw new ClientMetadataError(`The client's metadata document is larger than ${limit / 1024} KB.`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new ClientMetadataError(`The client's metadata document is larger than ${limit / 1024} KB.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Validates a fetched document against the URL it came from. */
export function parseMetadataDocument(url: URL, text: string, cacheControl: string | null): ClientMetadata {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ClientMetadataError("The client's metadata document is not valid JSON.");
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ClientMetadataError("The client's metadata document is not a JSON object.");
  const parsed = MetadataDocument.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ClientMetadataError(`The client's metadata document is not valid: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}.`);
  }
  const doc = parsed.data;
  if (doc.client_id !== url.href) {
    throw new ClientMetadataError("The client's metadata document names another client_id than the URL it was fetched from.");
  }
  const name = doc.client_name?.trim().slice(0, 200);
  return {
    name: name || url.host,
    redirectUris: doc.redirect_uris,
    grantTypes: doc.grant_types ?? ['authorization_code', 'refresh_token'],
    ...(doc.client_uri && /^https:\/\//.test(doc.client_uri) ? { clientUri: doc.client_uri.slice(0, 500) } : {}),
    cacheMs: cacheLifetime(cacheControl),
  };
}

/**
 * Fetches and validates a client's metadata document with `fetch` (the server's host-policy
 * fetch). Every failure, from a refused host to a slow or oversized answer, is a
 * ClientMetadataError with a sentence a person can act on.
 */
export async function fetchClientMetadata(fetchImpl: typeof globalThis.fetch, url: URL): Promise<ClientMetadata> {
  const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  try {
    const res = await fetchImpl(url, { headers: { accept: 'application/json' }, redirect: 'manual', signal });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      throw new ClientMetadataError(`The client's metadata document at ${url.host} answered with a redirect; it must be served at its own URL.`);
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new ClientMetadataError(`The client's metadata document could not be fetched from ${url.host} (HTTP ${res.status}).`);
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
      await res.body?.cancel();
      throw new ClientMetadataError(`The client's metadata document at ${url.host} is not JSON (content-type ${type || 'missing'}).`);
    }
    return parseMetadataDocument(url, await readLimited(res, MAX_DOCUMENT_BYTES), res.headers.get('cache-control'));
  } catch (err) {
    if (err instanceof ClientMetadataError) throw err;
    if (err instanceof HostNotAllowedError) throw new ClientMetadataError(`The client's metadata document may not be fetched: ${err.message}.`);
    if (signal.aborted) throw new ClientMetadataError(`${url.host} did not answer with the client's metadata document in time.`);
    throw new ClientMetadataError(`The client's metadata document could not be fetched from ${url.host}.`);
  }
}
