import type { AgentDefinition } from '../types.ts';

// NOTE: the memory skills (tools, built-in engine) arrive with the @mem feature.
export const memAgent: AgentDefinition = {
  name: '@mem',
  description: 'Your long-term memory: tell it facts and preferences, ask about them later, correct or forget them.',
  examples: ['@mem remember that my dentist is Dr. Weiss', "@mem what's my dentist's name?", '@mem what do you know about me?'],
  status: async () => 'ready',
  instructions: 'You are @mem, the memory agent of LifeOS.',
  tools: [],
  builtin: async () => ({ content: 'Memory is not available on this server yet.' }),
  actions: {},
};
