// Opaque, tamper-proof page cursors: the position, signed with a key derived
// from the server secret. Anything else is a 400.
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { HttpError } from '../../http/errors.ts';

// Importing the raw key costs more than the MAC itself; do it once per secret.
const keys = new WeakMap<Uint8Array, KeyObject>();
const keyOf = (key: Uint8Array) => keys.get(key) ?? keys.set(key, createSecretKey(key)).get(key)!;

const sign = (key: Uint8Array, payload: string) =>
  createHmac('sha256', keyOf(key)).update(`cursor:${payload}`).digest('base64url').slice(0, 22);

export function encodeCursor(key: Uint8Array, seq: number): string {
  const payload = Buffer.from(JSON.stringify({ s: seq })).toString('base64url');
  return `${payload}.${sign(key, payload)}`;
}

export function decodeCursor(key: Uint8Array, cursor: string): number {
  const invalid = () =>
    new HttpError(400, 'validation_failed', 'before: not a valid cursor (use nextCursor from a previous page)', {
      errors: [{ path: 'before', message: 'Invalid cursor' }],
    });
  const [payload, signature] = cursor.split('.');
  if (!payload || !signature) throw invalid();
  const expected = Buffer.from(sign(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  try {
    const { s } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { s: unknown };
    if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0) throw invalid();
    return s;
  } catch {
    throw invalid();
  }
}
