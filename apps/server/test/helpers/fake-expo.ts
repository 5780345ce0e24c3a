// A fake of Expo's push API (/--/api/v2/push/send and /getReceipts) on 127.0.0.1:
// tokens listed in `unregistered` get a DeviceNotRegistered ticket or receipt.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface FakeExpo {
  url: string;
  sent: Array<{ to: string; title?: string; body?: string; data?: any; channelId?: string; authorization?: string }>;
  receiptsAsked: string[];
  /** Tokens whose ticket says DeviceNotRegistered. */
  unregisteredAtSend: Set<string>;
  /** Tokens whose receipt says DeviceNotRegistered. */
  unregisteredAtReceipt: Set<string>;
  /** While true, every send is answered 503 (Expo unavailable) and counted in `refused`. */
  unavailable: boolean;
  refused: number;
  close(): Promise<void>;
}

export async function startFakeExpo(): Promise<FakeExpo> {
  const sent: FakeExpo['sent'] = [];
  const receiptsAsked: string[] = [];
  const unregisteredAtSend = new Set<string>();
  const unregisteredAtReceipt = new Set<string>();
  const receiptToken = new Map<string, string>();
  let n = 0;
  const state = { unavailable: false, refused: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      const body = JSON.parse(raw.toString('utf8') || '{}');
      res.setHeader('content-type', 'application/json');
      if (req.url === '/--/api/v2/push/send' && state.unavailable) {
        state.refused++;
        res.statusCode = 503;
        res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'try again later' }] }));
        return;
      }
      if (req.url === '/--/api/v2/push/send') {
        const messages = Array.isArray(body) ? body : [body];
        const data = messages.map((m: any) => {
          sent.push({ ...m, authorization: req.headers.authorization });
          if (unregisteredAtSend.has(m.to)) {
            return { status: 'error', message: `"${m.to}" is not a registered push notification recipient`, details: { error: 'DeviceNotRegistered' } };
          }
          const id = `receipt-${++n}`;
          receiptToken.set(id, m.to);
          return { status: 'ok', id };
        });
        res.end(JSON.stringify({ data }));
        return;
      }
      if (req.url === '/--/api/v2/push/getReceipts') {
        const data: Record<string, unknown> = {};
        for (const id of body.ids ?? []) {
          receiptsAsked.push(id);
          const token = receiptToken.get(id);
          data[id] = token && unregisteredAtReceipt.has(token) ? { status: 'error', message: 'gone', details: { error: 'DeviceNotRegistered' } } : { status: 'ok' };
        }
        res.end(JSON.stringify({ data }));
        return;
      }
      res.statusCode = 404;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    receiptsAsked,
    unregisteredAtSend,
    unregisteredAtReceipt,
    get unavailable() {
      return state.unavailable;
    },
    set unavailable(value: boolean) {
      state.unavailable = value;
    },
    get refused() {
      return state.refused;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
