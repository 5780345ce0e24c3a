import type { AgentDefinition } from '../types.ts';

// NOTE: the calendar skills (tools, built-in engine) arrive with the @cal feature.
export const calAgent: AgentDefinition = {
  name: '@cal',
  description: 'Runs your calendar: add events, see your agenda, find free time, move or cancel things.',
  examples: ['@cal add haircut next Thursday at 10', "@cal what's my week look like", '@cal am I free on Thursday at 10:30?'],
  status: async () => 'ready',
  instructions: 'You are @cal, the calendar agent of LifeOS.',
  tools: [],
  builtin: async () => ({ content: 'The calendar is not available on this server yet.' }),
  actions: {},
};
