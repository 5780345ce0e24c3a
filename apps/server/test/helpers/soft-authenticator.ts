// A software WebAuthn authenticator for server-side tests: a P-256 key made
// with node:crypto, "none" attestation, ES256 assertions, a signature counter
// and a discoverable credential (userHandle). It makes exactly the JSON a
// browser's navigator.credentials gives @simplewebauthn/browser.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

// The little CBOR the attestation needs: unsigned and negative ints, byte and text strings, maps.
type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;
function cbor(value: Cbor): Buffer {
  const head = (major: number, n: number) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

export interface SoftPasskey {
  credentialId: Uint8Array;
  privateKey: KeyObject;
  userHandle: string | undefined;
  counter: number;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}
interface RequestOptions {
  challenge: string;
  rpId?: string;
}

const FLAGS = { UP: 0x01, UV: 0x04, AT: 0x40 };

/** navigator.credentials.create(): a new passkey and the RegistrationResponseJSON for it. */
export function createPasskey(options: CreationOptions, origin: string): { passkey: SoftPasskey; response: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const cose = cbor(
    new Map<Cbor, Cbor>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]),
  );
  const credentialId = randomBytes(32);
  const rpId = options.rp.id ?? new URL(origin).hostname;
  const idLength = Buffer.from([0, credentialId.length]);
  const authData = Buffer.concat([sha256(rpId), Buffer.from([FLAGS.UP | FLAGS.UV | FLAGS.AT]), Buffer.alloc(4), Buffer.alloc(16), idLength, credentialId, cose]);
  const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin, crossOrigin: false }));
  const attestationObject = cbor(new Map<Cbor, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
  return {
    passkey: { credentialId, privateKey, userHandle: options.user.id, counter: 0 },
    response: {
      id: b64url(credentialId),
      rawId: b64url(credentialId),
      type: 'public-key',
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    },
  };
}

/** navigator.credentials.get(): an AuthenticationResponseJSON signed by the passkey (its counter moves on). */
export function assert(passkey: SoftPasskey, options: RequestOptions, origin: string, tweak: { origin?: string; counter?: number } = {}): Record<string, unknown> {
  passkey.counter = tweak.counter ?? passkey.counter + 1;
  const rpId = options.rpId ?? new URL(origin).hostname;
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(passkey.counter);
  const authenticatorData = Buffer.concat([sha256(rpId), Buffer.from([FLAGS.UP | FLAGS.UV]), counter]);
  const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: tweak.origin ?? origin, crossOrigin: false }));
  const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), passkey.privateKey);
  return {
    id: b64url(passkey.credentialId),
    rawId: b64url(passkey.credentialId),
    type: 'public-key',
    response: {
      clientDataJSON: b64url(clientDataJSON),
      authenticatorData: b64url(authenticatorData),
      signature: b64url(signature),
      ...(passkey.userHandle ? { userHandle: passkey.userHandle } : {}),
    },
    clientExtensionResults: {},
    authenticatorAttachment: 'platform',
  };
}
