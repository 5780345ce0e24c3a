import { randomUUID } from 'node:crypto';
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
  /** Every request that reached the token endpoint, in order. */
  tokenRequests: TokenRequestRecord[];
  /** Makes a refresh token fail with invalid_grant from now on, as after the user revoked access. */
  revoke(refreshToken: string): void;
  /** Lifetime (seconds) announced in the next token responses. */
  setTokenTtl(seconds: number): void;
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
  server.service.on('beforeResponse', (res: { body: Record<string, unknown>; statusCode: number }, req: { body?: Record<string, string> }) => {
    const body = req.body ?? {};
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
  let jwks: ReturnType<typeof createLocalJWKSet> | null = null;
  return {
    issuer,
    authUrl: `${issuer}/authorize`,
    tokenUrl: `${issuer}/token`,
    tokenRequests,
    revoke: (rt) => revoked.add(rt),
    setTokenTtl: (s) => (ttl = s),
    async verifyAccessToken(token) {
      jwks ??= createLocalJWKSet((await (await fetch(`${issuer}/jwks`)).json()) as JSONWebKeySet);
      try {
        await jwtVerify(token, jwks, { issuer });
        return true;
      } catch {
        return false;
      }
    },
    stop: () => server.stop(),
  };
}
