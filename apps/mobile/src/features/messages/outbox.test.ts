import { ApiError, NetworkError } from '@/lib/api-client';
import type { MessagePair } from '@lifeos/contract';
import { makeMessage } from '../../../test/fake-api';
import { Outbox, type OutboxDeps, type OutboxItem } from './outbox';

function setup(overrides: Partial<OutboxDeps> & { stored?: OutboxItem[] } = {}) {
  let online = true;
  let ids = 0;
  const saved: OutboxItem[][] = [];
  const sent: { clientId: string; content: string }[] = [];
  const delivered: MessagePair[] = [];
  const outbox = new Outbox({
    load: async () => overrides.stored ?? [],
    save: async (items) => {
      saved.push(items);
    },
    send: async (message) => {
      sent.push(message);
      return { message: makeMessage({ content: message.content }), reply: makeMessage({ content: 'ok', role: 'assistant' }) };
    },
    onDelivered: (pair) => delivered.push(pair),
    isOnline: () => online,
    newId: () => `11111111-1111-4111-8111-${String(++ids).padStart(12, '0')}`,
    retryDelayMs: () => 60_000,
    ...overrides,
  });
  return { outbox, sent, saved, delivered, setOnline: (value: boolean) => (online = value) };
}

describe('offline queue', () => {
  it('when a message is typed offline, then it waits, and is sent once, in order, when back online', async () => {
    const t = setup();
    t.setOnline(false);
    await t.outbox.enqueue('first');
    await t.outbox.enqueue('second');
    await t.outbox.flush();
    expect(t.sent).toEqual([]);
    expect(t.outbox.getItems().map((i) => [i.content, i.status, i.error])).toEqual([
      ['first', 'queued', 'Waiting for the network'],
      ['second', 'queued', 'Waiting for the network'],
    ]);

    t.setOnline(true);
    await Promise.all([t.outbox.flush(), t.outbox.flush()]);

    expect(t.sent.map((m) => m.content)).toEqual(['first', 'second']);
    expect(new Set(t.sent.map((m) => m.clientId)).size).toBe(2);
    expect(t.outbox.getItems()).toEqual([]);
    expect(t.delivered).toHaveLength(2);
  });

  it('when the connection drops during a send, then the retry carries the same clientId', async () => {
    let attempt = 0;
    const clientIds: string[] = [];
    const t = setup({
      send: async (message) => {
        attempt += 1;
        clientIds.push(message.clientId);
        if (attempt === 1) throw new NetworkError();
        return { message: makeMessage({ content: message.content }), reply: makeMessage({ content: 'ok', role: 'assistant' }) };
      },
    });

    t.setOnline(false);
    const item = await t.outbox.enqueue('hello');
    t.setOnline(true);
    await t.outbox.flush();
    expect(t.outbox.getItems()[0]).toMatchObject({ clientId: item.clientId, status: 'queued', attempts: 1 });

    await t.outbox.flush();
    expect(clientIds).toEqual([item.clientId, item.clientId]);
    expect(t.outbox.getItems()).toEqual([]);
    expect(t.delivered[0]?.message.content).toBe('hello');
  });

  it('when the server refuses a message, then it shows as failed and "retry" sends it with its original clientId', async () => {
    const calls: string[] = [];
    let refuse = true;
    const t = setup({
      send: async (message) => {
        calls.push(message.clientId);
        if (refuse) throw new ApiError({ status: 503, code: 'service_unavailable', detail: 'Try again in a minute' });
        return { message: makeMessage({ content: message.content }), reply: makeMessage({ content: 'ok', role: 'assistant' }) };
      },
    });
    const item = await t.outbox.enqueue('hello');
    await t.outbox.flush();
    expect(t.outbox.getItems()[0]).toMatchObject({ status: 'failed', error: 'Try again in a minute' });

    refuse = false;
    await t.outbox.retry(item.clientId);

    expect(calls).toEqual([item.clientId, item.clientId]);
    expect(t.outbox.getItems()).toEqual([]);
  });

  it('when the app stopped while a message was sending, then it is sent again with the same clientId on the next start', async () => {
    const stored: OutboxItem[] = [
      { clientId: '22222222-2222-4222-8222-222222222222', content: 'lost answer', createdAt: '2026-12-01T12:00:00.000Z', status: 'sending', error: null, attempts: 1 },
    ];
    const t = setup({ stored });
    await t.outbox.ready;
    await t.outbox.flush();

    expect(t.sent).toEqual([{ clientId: '22222222-2222-4222-8222-222222222222', content: 'lost answer' }]);
  });

  it('when the queue changes, then every change is persisted', async () => {
    const t = setup();
    t.setOnline(false);
    await t.outbox.enqueue('keep me');
    expect(t.saved.at(-1)?.map((i) => i.content)).toEqual(['keep me']);
    t.outbox.clear();
    expect(t.saved.at(-1)).toEqual([]);
  });
});
