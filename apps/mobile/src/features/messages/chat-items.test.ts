import { makeMessage } from '../../../test/fake-api';
import { buildChatItems } from './chat-items';
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
});
