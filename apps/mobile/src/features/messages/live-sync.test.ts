import type { EventStreamOptions } from '@/lib/sse/event-stream.types';
import { makeMessage } from '../../../test/fake-api';
import { LiveSync } from './live-sync';

function setup(refreshResult: { accessToken: string } | null = { accessToken: 'access-2' }) {
  const opened: EventStreamOptions[] = [];
  const received: string[] = [];
  const deleted: string[] = [];
  let token = 'access-1';
  const api = {
    getAccessToken: () => token,
    url: (path: string) => `http://lifeos.test/api${path}`,
    refresh: jest.fn(async () => {
      if (refreshResult) token = refreshResult.accessToken;
      return refreshResult ? { ...refreshResult, refreshToken: 'r', accessTokenExpiresAt: '' } : null;
    }),
  };
  const sync = new LiveSync({
    api,
    open: (options) => {
      opened.push(options);
      return { close: jest.fn() };
    },
    onMessage: (m) => received.push(m.content),
    onDelta: () => undefined,
    onDeleted: (id) => deleted.push(id),
    initialLastEventId: () => 'newest-shown',
    retryDelayMs: () => 1000,
  });
  return { sync, opened, received, deleted, api };
}

const created = (content: string) => {
  const message = makeMessage({ content });
  return { type: 'message.created', id: message.id, data: JSON.stringify(message), message };
};

describe('live sync', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('when it connects, then it sends the token and resumes after the newest message shown', () => {
    const t = setup();
    t.sync.start();
    expect(t.opened[0]).toMatchObject({
      url: 'http://lifeos.test/api/messages/stream',
      headers: { Authorization: 'Bearer access-1' },
      lastEventId: 'newest-shown',
    });
  });

  it('when the connection drops, then it reconnects after a pause with the id of the last event received', () => {
    const t = setup();
    t.sync.start();
    t.opened[0]!.onOpen();
    const event = created('from the phone');
    t.opened[0]!.onEvent(event);
    t.opened[0]!.onError({ status: 0 });

    expect(t.opened).toHaveLength(1);
    jest.advanceTimersByTime(1000);

    expect(t.received).toEqual(['from the phone']);
    expect(t.opened).toHaveLength(2);
    expect(t.opened[1]!.lastEventId).toBe(event.message.id);
  });

  it('when the stream refuses the token, then it refreshes once and reconnects with the new one', async () => {
    const t = setup();
    t.sync.start();
    t.opened[0]!.onError({ status: 401 });
    await Promise.resolve();
    await Promise.resolve();

    expect(t.api.refresh).toHaveBeenCalledWith('access-1');
    expect(t.opened[1]?.headers.Authorization).toBe('Bearer access-2');
  });

  it('when the session is over, then it stops trying', async () => {
    const t = setup(null);
    t.sync.start();
    t.opened[0]!.onError({ status: 401 });
    await Promise.resolve();
    await Promise.resolve();
    jest.advanceTimersByTime(60_000);
    expect(t.opened).toHaveLength(1);
  });

  it('when the app goes to the background and back, then it reopens where it left off', () => {
    const t = setup();
    t.sync.start();
    const event = created('while away');
    t.opened[0]!.onEvent(event);
    t.sync.stop();
    t.sync.start();
    expect(t.opened[1]!.lastEventId).toBe(event.message.id);
  });

  it('when an event is not a valid message, then it is ignored', () => {
    const t = setup();
    t.sync.start();
    t.opened[0]!.onEvent({ type: 'message.created', id: 'x', data: '{"id":"x"}' });
    t.opened[0]!.onEvent({ type: 'message.created', id: 'y', data: 'not json' });
    expect(t.received).toEqual([]);
  });

  it('when a message is deleted on another device, then it is reported by id and does not move the resume point', () => {
    const t = setup();
    t.sync.start();
    const event = created('kept');
    t.opened[0]!.onEvent(event);
    const gone = makeMessage({ content: 'gone' });
    t.opened[0]!.onEvent({ type: 'message.deleted', id: null, data: JSON.stringify({ id: gone.id }) });
    t.opened[0]!.onEvent({ type: 'message.deleted', id: null, data: '{"id":"not-a-uuid"}' });
    expect(t.deleted).toEqual([gone.id]);
    expect(t.sync.lastEventId).toBe(event.message.id);
  });
});
