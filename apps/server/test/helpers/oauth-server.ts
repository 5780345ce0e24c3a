import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { OAuth2Server } from 'oauth2-mock-server';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';

export interface TokenRequestRecord {
  grantType: string;
  refreshToken?: string;
  codeVerifier?: string;
  status: number;
}

export interface OAuthTestServer {
  issuer: string;
  authUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  /** Every request that reached the token endpoint, in order. */
  tokenRequests: TokenRequestRecord[];
  /** How many requests reached the revocation endpoint. */
  revocations: { count: number };
  /** Makes a refresh token fail with invalid_grant from now on, as after the user revoked access. */
  revoke(refreshToken: string): void;
  /** Lifetime (seconds) announced in the next token responses. */
  setTokenTtl(seconds: number): void;
  /** Holds every token response back this long, as a slow network would (concurrency tests). */
  setTokenDelay(ms: number): void;
  /** True when the token was signed by this server and has not expired. */
  verifyAccessToken(token: string): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * oauth2-mock-server on 127.0.0.1, made as strict as Google where it matters for us:
 * refresh tokens must be ones it issued and not revoked.
 */
export async function startOAuthServer(): Promise<OAuthTestServer> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const issuer = server.issuer.url!;
  const issued = new Set<string>();
  const revoked = new Set<string>();
  const tokenRequests: TokenRequestRecord[] = [];
  let ttl: number | null = null;
  // Tokens signed in the same second would otherwise be byte-identical; Google's never are.
  server.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
    token.payload.jti = randomUUID();
  });
  // Like Google, answer with the scopes the user consented to (the mock would say "dummy").
  const scopeOfCode = new Map<string, string>();
  const scopeOfRefreshToken = new Map<string, string>();
  server.service.on('beforeAuthorizeRedirect', (redirect: { url: URL }, req: { url?: string }) => {
    const scope = new URL(req.url ?? '/', issuer).searchParams.get('scope');
    const code = redirect.url.searchParams.get('code');
    if (scope && code) scopeOfCode.set(code, scope);
  });
  server.service.on('beforeResponse', (res: { body: Record<string, unknown>; statusCode: number }, req: { body?: Record<string, string> }) => {
    const body = req.body ?? {};
    if (res.statusCode === 200 && body.grant_type === 'authorization_code' && scopeOfCode.has(body.code ?? '')) {
      res.body.scope = scopeOfCode.get(body.code ?? '');
      if (typeof res.body.refresh_token === 'string') scopeOfRefreshToken.set(res.body.refresh_token, res.body.scope as string);
    }
    if (res.statusCode === 200 && body.grant_type === 'refresh_token' && scopeOfRefreshToken.has(body.refresh_token ?? '')) {
      res.body.scope = scopeOfRefreshToken.get(body.refresh_token ?? '');
    }
    if (body.grant_type === 'refresh_token') {
      const rt = body.refresh_token ?? '';
      if (!issued.has(rt) || revoked.has(rt)) {
        res.statusCode = 400;
        res.body = { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
      } else {
        // Google keeps the refresh token on refresh; do the same.
        res.body.refresh_token = rt;
      }
    }
    if (res.statusCode === 200) {
      if (ttl !== null) res.body.expires_in = ttl;
      if (typeof res.body.refresh_token === 'string') issued.add(res.body.refresh_token);
    }
    tokenRequests.push({ grantType: body.grant_type ?? '', refreshToken: body.refresh_token, codeVerifier: body.code_verifier, status: res.statusCode });
  });
  const revocations = { count: 0 };
  server.service.on('beforeRevoke', () => {
    revocations.count += 1;
  });
  // The token endpoint is reached through a small forwarding server that can add latency.
  let delayMs = 0;
  const proxy = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const upstream = await fetch(`${issuer}${req.url}`, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) },
      body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  let jwks: ReturnType<typeof createLocalJWKSet> | null = null;
  return {
    issuer,
    authUrl: `${issuer}/authorize`,
    tokenUrl: `${proxyUrl}/token`,
    revokeUrl: `${issuer}/revoke`,
    tokenRequests,
    revocations,
    revoke: (rt) => revoked.add(rt),
    setTokenTtl: (s) => (ttl = s),
    setTokenDelay: (ms) => (delayMs = ms),
    async verifyAccessToken(token) {
      jwks ??= createLocalJWKSet((await (await fetch(`${issuer}/jwks`)).json()) as JSONWebKeySet);
      try {
        await jwtVerify(token, jwks, { issuer });
        return true;
      } catch {
        return false;
      }
    },
    async stop() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await server.stop();
    },
  };
}
