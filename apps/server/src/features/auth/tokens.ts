// Typed tokens: a short-lived access JWT naming its session, and an opaque
// refresh token of which the database keeps only a SHA-256 hash.
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'lifeos';
const AUDIENCE = 'lifeos:api';
const ACCESS_TYP = 'access';

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export interface VerifiedAccess extends AccessClaims {
  expiresAt: Date;
}

export async function signAccessToken(
  secret: Uint8Array,
  claims: AccessClaims,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ACCESS_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ sid: claims.sessionId, typ: ACCESS_TYP })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(secret);
  return { token, expiresAt: new Date(exp * 1000) };
}

// A token whose signature checked out once needs only its expiry checked again:
// remembering it saves a MAC (through WebCrypto) on every request. Keyed by the
// secret too, so nothing verified under one key is accepted under another.
const VERIFIED_MAX = 50_000;
const verified = new Map<string, { secret: Uint8Array; claims: AccessClaims; exp: number }>();

/** Verifies signature, algorithm, issuer, audience, type and expiry; returns null for any failure. */
export async function verifyAccessToken(secret: Uint8Array, token: string, now: Date): Promise<VerifiedAccess | null> {
  const known = verified.get(token);
  if (known && known.secret === secret) {
    return now.getTime() < known.exp * 1000 ? { ...known.claims, expiresAt: new Date(known.exp * 1000) } : null;
  }
  const claims = await verifyAccessTokenUncached(secret, token, now);
  if (claims) {
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, { secret, claims: { userId: claims.userId, sessionId: claims.sessionId }, exp: claims.exp });
  }
  return claims && { userId: claims.userId, sessionId: claims.sessionId, expiresAt: new Date(claims.exp * 1000) };
}

async function verifyAccessTokenUncached(secret: Uint8Array, token: string, now: Date): Promise<(AccessClaims & { exp: number }) | null> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: 'at+jwt',
      currentDate: now,
      requiredClaims: ['sub', 'sid', 'exp'],
    });
    if (payload.typ !== ACCESS_TYP || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') return null;
    return { userId: payload.sub, sessionId: payload.sid, exp: payload.exp! };
  } catch {
    return null;
  }
}

export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
