import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advanceConversation, liveConversation, MAX_TURNS, REFERENT_TTL_MS } from './conversation.ts';

const T0 = new Date('2026-11-29T09:00:00Z');
const event = { agent: '@cal' as const, kind: 'event' as const, id: 'e1', label: 'Dentist' };

describe('conversation referents', () => {
  it('when a turn notes an event, then the next turn sees it as the focus', () => {
    const s = advanceConversation({ turn: 0 }, { focus: event }, T0);
    assert.equal(liveConversation(s, new Date(T0.getTime() + 60_000)).focus?.id, 'e1');
  });

  it('when more than 30 minutes pass, then the referent is forgotten', () => {
    const s = advanceConversation({ turn: 0 }, { focus: event }, T0);
    assert.equal(liveConversation(s, new Date(T0.getTime() + REFERENT_TTL_MS + 1)).focus, undefined);
  });

  it('when more than 10 turns pass, then the referent is forgotten', () => {
    let s = advanceConversation({ turn: 0 }, { focus: event }, T0);
    for (let i = 0; i < MAX_TURNS; i++) s = advanceConversation(s, {}, T0);
    assert.equal(liveConversation(s, T0).focus?.id, 'e1');
    s = advanceConversation(s, {}, T0);
    assert.equal(liveConversation(s, T0).focus, undefined);
  });

  it('when a question was asked, then only the very next message can answer it', () => {
    let s = advanceConversation({ turn: 0 }, { pending: { kind: 'route', text: 'when is my flight?', options: ['@cal', '@mail'] } }, T0);
    assert.equal(liveConversation(s, T0).pending?.kind, 'route');
    s = advanceConversation(liveConversation(s, T0), {}, T0);
    assert.equal(liveConversation(s, T0).pending, undefined);
  });

  it('when the stored state is missing or malformed, then it is an empty conversation', () => {
    assert.deepEqual(liveConversation(undefined, T0), { turn: 0 });
    assert.deepEqual(liveConversation({ turn: 'x', focus: 3 } as unknown as Record<string, unknown>, T0).focus, undefined);
  });
});
