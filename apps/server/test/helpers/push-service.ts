// A stand-in for a Web Push service (the browser vendor's) on 127.0.0.1: it holds
// the browser's side of a subscription (a P-256 key pair and an auth secret),
// DECRYPTS what it receives as a browser would (RFC 8291, aes128gcm), and checks
// the VAPID signature (RFC 8292). Answers can be scripted (429, 500, 410).
import { createDecipheriv, createECDH, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWTPayload } from 'jose';

export interface ReceivedPush {
  path: string;
  headers: IncomingHttpHeaders;
  /** The decrypted JSON payload. */
  payload: any;
  jwt: JWTPayload;
  jwtHeader: { alg?: string; typ?: string };
  /** The `k=` of the Authorization header: the server's VAPID public key. */
  vapidKey: string;
  status: number;
}

export interface PushServiceStandIn {
  url: string;
  /** A subscription as a browser's PushManager would hand it to the page. */
  subscription(path?: string): { endpoint: string; keys: { p256dh: string; auth: string } };
  received: ReceivedPush[];
  /** Answers for the next requests, in order (then 201). */
  respondWith(...statuses: number[]): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedPush[]>;
  close(): Promise<void>;
}

const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, length: number) => {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk).update(Buffer.concat([info, Buffer.from([1])])).digest().subarray(0, length);
};

/** RFC 8291 section 3.4 + RFC 8188: decrypts one aes128gcm record with the user agent's keys. */
export function decryptAes128gcm(body: Buffer, ua: { ecdh: ReturnType<typeof createECDH>; auth: Buffer }): Buffer {
  const salt = body.subarray(0, 16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const shared = ua.ecdh.computeSecret(asPublic);
  const uaPublic = ua.ecdh.getPublicKey();
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = hkdf(ua.auth, shared, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('bad padding delimiter');
  return padded.subarray(0, end);
}


export async function startPushService(): Promise<PushServiceStandIn> {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  const received: ReceivedPush[] = [];
  const script: number[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const status = script.shift() ?? 201;
        try {
          const header = String(req.headers.authorization ?? '');
          const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header);
          if (!m) throw new Error(`no VAPID authorization: ${header}`);
          const [, token, k] = m as unknown as [string, string, string];
          const raw = Buffer.from(k, 'base64url');
          const key = await importJWK(
            { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') },
            'ES256',
          );
          const { payload: jwt } = await jwtVerify(token, key, { algorithms: ['ES256'] });
          const body = Buffer.concat(chunks);
          const payload = JSON.parse(decryptAes128gcm(body, { ecdh, auth }).toString('utf8'));
          received.push({ path: req.url ?? '', headers: req.headers, payload, jwt, jwtHeader: decodeProtectedHeader(token), vapidKey: k, status });
          res.writeHead(status).end();
        } catch (err) {
          res.writeHead(400).end(String(err));
        }
        waiters.forEach((w) => w());
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    subscription: (path = '/push/sub-1') => ({
      endpoint: `${url}${path}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    }),
    received,
    respondWith: (...statuses) => script.push(...statuses),
    async waitFor(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} pushes, got ${received.length}`);
        await new Promise<void>((resolve) => {
          const done = () => {
            waiters.delete(done);
            resolve();
          };
          waiters.add(done);
          setTimeout(done, 200);
        });
      }
      return received;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
