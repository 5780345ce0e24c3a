import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toUtterance } from '../../lib/nl/normalize.ts';
import type { ConversationState } from '../conversation.ts';
import { classify } from '../intents.ts';
import { INTENT_TABLES } from './assistant.ts';

const NOW = new Date('2026-11-29T09:00:00Z');
const route = (text: string, conversation: ConversationState = { turn: 0 }) =>
  classify({ u: toUtterance(text), conversation, now: NOW, timeZone: 'Europe/Berlin' }, INTENT_TABLES);

const agentOf = (text: string, conversation?: ConversationState) => {
  const c = route(text, conversation);
  return c.kind === 'chosen' ? c.intent.agent : c.kind;
};

// [text, agent that should get it] — none of these carries a mention.
const ROUTES: [string, string][] = [
  ["what's on my calendar tomorrow?", '@cal'],
  ['anything on friday?', '@cal'],
  ['do I have plans this weekend?', '@cal'],
  ['add dentist tomorrow at 3', '@cal'],
  ['book a table for two on Saturday at 8pm', '@cal'],
  ['am I free on Thursday afternoon?', '@cal'],
  ['move the haircut to 11', '@cal'],
  ['cancel my meeting with Jo', '@cal'],
  ['when do I see Anna next?', '@cal'],
  ['is there a game coming up?', '@cal'],
  ['rename the standup to Daily', '@cal'],
  ['make the team sync 45 minutes', '@cal'],
  ['tomorrow?', '@cal'],
  ['anything new in my inbox?', '@mail'],
  ['how many unread do I have?', '@mail'],
  ['has my landlord sent anything?', '@mail'],
  ['did Anna reply?', '@mail'],
  ["what was Ben's email about?", '@mail'],
  ['any newsletters?', '@mail'],
  ['has my order shipped?', '@mail'],
  ['write to jo@example.com: see you Friday', '@mail'],
  ['remember that my locker code is 4411', '@mem'],
  ['what do you know about me?', '@mem'],
  ['who is my dentist?', '@mem'],
  ['my wifi password is hunter22', '@mem'],
  ['forget my old address', '@mem'],
  ['did I get a reply from Sarah', '@mail'],
  ['when did Anna last write?', '@mail'],
  ['who emailed me today?', '@mail'],
  ["what's new", '@mail'],
  ["what does the dentist's email say", '@mail'],
  ['set a meeting with Ben next monday 10am', '@cal'],
  ['got anything this afternoon?', '@cal'],
  ['what does my week look like', '@cal'],
  ['how long is the team sync?', '@cal'],
  ['is my afternoon free tomorrow?', '@cal'],
  ['where did I park?', '@mem'],
  ['delete everything you know about me', '@mem'],
  ["my sister's birthday is March 3rd", '@mem'],
  ['hi', 'assistant'],
  ['thanks!', 'assistant'],
  ['what can you do?', 'assistant'],
  ["what's my day look like?", 'assistant'],
  ['anything I should know?', 'assistant'],
  ["what's happening tomorrow?", '@cal'],
  ['add the flight from my confirmation mail to my calendar', 'assistant'],
  ["remember Anna's new address from her mail", 'assistant'],
];

describe('routing without a mention', () => {
  for (const [text, agent] of ROUTES) {
    it(`when the user says "${text}", then ${agent} gets it`, () => {
      assert.equal(agentOf(text), agent, JSON.stringify(route(text)));
    });
  }

  it('when the calendar and the mail fit equally well, then the assistant asks instead of guessing', () => {
    const c = route('when is my flight?');
    assert.equal(c.kind, 'ask');
    assert.deepEqual(c.kind === 'ask' ? [...c.options].sort() : [], ['@cal', '@mail']);
  });

  it('when nothing fits, then no agent is chosen', () => {
    assert.equal(route('purple elephants dance').kind, 'none');
  });
});

describe('follow-ups need the conversation', () => {
  const savedAt = NOW.toISOString();
  const withEvent: ConversationState = { turn: 3, focus: { agent: '@cal', kind: 'event', id: 'e1', label: 'Dentist', at: savedAt, turn: 3, savedAt } };
  const withMail: ConversationState = { turn: 3, focus: { agent: '@mail', kind: 'mail', id: 'm1', label: 'Anna — Hi', from: 'Anna', turn: 3, savedAt } };

  it('when an event was just discussed, then "push it to Sunday" is a calendar follow-up on it', () => {
    const c = route('push it to Sunday', withEvent);
    assert.equal(c.kind === 'chosen' && c.intent.name, 'followup');
    assert.equal(c.kind === 'chosen' && c.intent.data?.refId, 'e1');
  });

  it('when nothing was discussed, then "push it to Sunday" is not pinned to any event', () => {
    const c = route('push it to Sunday');
    assert.notEqual(c.kind === 'chosen' && c.intent.name, 'followup');
  });

  it('when a mail was just read, then "reply to her: thanks" is a mail follow-up', () => {
    const c = route('reply to her: thanks', withMail);
    assert.equal(c.kind === 'chosen' && `${c.intent.agent}:${c.intent.name}`, '@mail:followup');
  });

  it('when an event was just added, then "no, 4pm", "actually Saturday" and "make it 30 minutes" act on it', () => {
    for (const text of ['no, 4pm', 'actually Saturday', 'make it 30 minutes']) {
      const c = route(text, withEvent);
      assert.equal(c.kind === 'chosen' && c.intent.agent, '@cal', text);
      assert.equal(c.kind === 'chosen' && c.intent.data?.refId, 'e1', text);
    }
  });
});
