// One short MCP session with a user's server: initialize, the work, close.
// Every request goes through the host policy (safeFetch checks each hop and
// connects only to checked addresses); the token is sent only to its origin.
import { Client, SdkHttpError, StreamableHTTPClientTransport, UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/client';
import type { AppContext } from '../../context.ts';
import { HostNotAllowedError, safeFetch } from '../../lib/host-policy.ts';
import { hostPolicy } from '../connections/connections.service.ts';

export interface McpEndpoint {
  url: string;
  token: string | undefined;
  /** The server's own OAuth (tokens sealed in LifeOS, refreshed by the SDK on a 401). */
  oauth?: OAuthClientProvider | undefined;
}

/** The server could not be reached or did not speak MCP; `message` is safe to show. */
export class McpConnectionError extends Error {
  override name = 'McpConnectionError';
  /** The server answered 401 with an RFC 9728 challenge: it signs in with OAuth. */
  needsOAuth = false;
  /** An OAuth server whose tokens are gone or refused: the user has to sign in again. */
  needsSignIn = false;
}

const CONNECT_TIMEOUT_MS = 10_000;

const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: 'nothing answered at that address',
  ENOTFOUND: 'the host name was not found',
  EAI_AGAIN: 'the host name could not be resolved',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host',
};

function find<T>(err: unknown, pick: (e: unknown) => T | undefined): T | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const found = pick(e);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Why a connection failed, in words for the user (no token, no stack). */
export function describeMcpFailure(err: unknown, context: { hasToken: boolean; oauthChallenge: boolean } = { hasToken: true, oauthChallenge: false }): string {
  const refusal = find(err, (e) => (e instanceof HostNotAllowedError ? e.message : undefined));
  if (refusal) return `the address is not allowed: ${refusal}`;
  if (find(err, (e) => (e instanceof UnauthorizedError ? true : undefined))) return 'the sign-in has ended; sign in to the server again';
  const status = find(err, (e) => (e instanceof SdkHttpError ? e.status : undefined));
  if (status === 401 && !context.hasToken && context.oauthChallenge) return 'the server asks for an OAuth sign-in';
  if (status === 401 && !context.hasToken) return 'the server requires a token (HTTP 401)';
  if (status === 401 || status === 403) return `the server refused the credentials (HTTP ${status}); check the token`;
  if (status === 404) return 'no MCP endpoint at that URL (HTTP 404)';
  // Only redirects within the same origin are followed (each hop under the host policy).
  if (status !== undefined && status >= 300 && status < 400) return 'it redirects to another address; add the address it redirects to instead';
  if (status !== undefined) return `the server answered HTTP ${status}`;
  const code = find(err, (e) => {
    const c = (e as { code?: unknown }).code;
    return typeof c === 'string' && c in CONNECTION_CODES ? c : undefined;
  });
  if (code) return CONNECTION_CODES[code]!;
  if (find(err, (e) => ((e as { name?: unknown }).name === 'TimeoutError' || /timed? ?out/i.test(String((e as Error).message)) ? true : undefined)))
    return 'the server did not answer in time';
  return 'the server did not answer as an MCP server (Streamable HTTP)';
}

/**
 * Runs `work` in a fresh session with the server and closes it; a failure to
 * connect is a McpConnectionError. Errors thrown by `work` pass through.
 */
export async function withMcpSession<T>(
  ctx: AppContext,
  endpoint: McpEndpoint,
  work: (client: Client) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const client = new Client({ name: 'lifeos', version: ctx.config.version });
  const policed = safeFetch(hostPolicy(ctx));
  // RFC 9728: a 401 naming protected-resource metadata means the server signs in with OAuth.
  let oauthChallenge = false;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const res = await policed(input, init);
    if (res.status === 401) oauthChallenge = /resource_metadata=/i.test(res.headers.get('www-authenticate') ?? '');
    return res;
  };
  // With OAuth, the SDK's own client does discovery, refresh and token requests, all through `fetch`.
  const transport = new StreamableHTTPClientTransport(new URL(endpoint.url), {
    fetch,
    ...(endpoint.oauth ? { authProvider: endpoint.oauth } : {}),
    ...(endpoint.token ? { requestInit: { headers: { authorization: `Bearer ${endpoint.token}` } } } : {}),
  });
  try {
    try {
      await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS, ...(signal ? { signal } : {}) });
    } catch (err) {
      const hasToken = Boolean(endpoint.token || endpoint.oauth);
      const failure = new McpConnectionError(describeMcpFailure(err, { hasToken, oauthChallenge }), { cause: err });
      failure.needsOAuth = !hasToken && oauthChallenge && find(err, (e) => (e instanceof SdkHttpError ? e.status : undefined)) === 401;
      failure.needsSignIn = Boolean(endpoint.oauth) && find(err, (e) => (e instanceof UnauthorizedError ? true : undefined)) === true;
      throw failure;
    }
    return await work(client);
  } finally {
    await client.close().catch(() => undefined);
  }
}
