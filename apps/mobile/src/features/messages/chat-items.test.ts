import { makeMessage } from '../../../test/fake-api';
import { buildChatItems, withDaySeparators } from './chat-items';
import type { OutboxItem } from './outbox';

const item = (partial: Partial<OutboxItem>): OutboxItem => ({
  clientId: '33333333-3333-4333-8333-333333333333',
  content: 'hi',
  createdAt: '2026-12-01T12:00:00.000Z',
  status: 'sending',
  error: null,
  attempts: 1,
  ...partial,
});

describe('chat items', () => {
  const now = Date.parse('2026-12-01T12:00:05.000Z');

  it('when a sent message comes back over the live stream before its POST answers, then it shows once', () => {
    const stored = makeMessage({ content: 'hi' }, Date.parse('2026-12-01T12:00:01.000Z'));
    const items = buildChatItems({ messages: [stored], outbox: [item({})], streaming: [], now });
    expect(items.map((i) => i.kind)).toEqual(['typing', 'message']);
  });

  it('when a reply is being written, then it shows instead of the typing indicator, newest first', () => {
    const question = makeMessage({ content: 'q' }, Date.parse('2026-12-01T12:00:01.000Z'));
    const items = buildChatItems({
      messages: [question],
      outbox: [],
      streaming: [{ messageId: '44444444-4444-4444-8444-444444444444', agentName: '@mem', content: 'Noted' }],
      now,
    });
    expect(items.map((i) => i.kind)).toEqual(['streaming', 'message']);
  });

  it('when nothing is pending, then there is no typing indicator', () => {
    const answer = makeMessage({ content: 'a', role: 'assistant' });
    expect(buildChatItems({ messages: [answer], outbox: [], streaming: [], now }).map((i) => i.kind)).toEqual(['message']);
  });

  it.each([
    // 23:30 UTC on Nov 30 is already Dec 1 in Berlin and Tokyo, still Nov 30 in New York.
    ['Europe/Berlin', ['Today', 'Yesterday', expect.stringMatching(/^Sun.*29/)]],
    ['Asia/Tokyo', ['Today', 'Yesterday']],
    ['America/New_York', ['Today', 'Yesterday', expect.stringMatching(/^Sun.*29/)]],
  ])('when messages span days in %s, then a separator names each day above its first message', (timeZone, labels) => {
    const at = (iso: string) => makeMessage({ content: iso }, Date.parse(iso));
    const messages = [at('2026-12-01T11:00:00.000Z'), at('2026-12-01T08:00:00.000Z'), at('2026-11-30T23:30:00.000Z'), at('2026-11-30T09:00:00.000Z'), at('2026-11-29T19:00:00.000Z')];
    const items = withDaySeparators(buildChatItems({ messages, outbox: [], streaming: [], now }), { now: new Date(now), timeZone });
    const days = items.filter((i) => i.kind === 'day').map((i) => (i.kind === 'day' ? i.label : ''));
    expect(days).toEqual(labels);
    // Each separator sits right after (above, on screen) the oldest message of its day.
    const first = items.findIndex((i) => i.kind === 'day');
    expect(items[first - 1]).toMatchObject({ kind: 'message' });
    expect(items.at(-1)).toMatchObject({ kind: 'day' });
  });
});
