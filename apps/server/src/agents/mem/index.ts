// @mem: long-term memory the user can tell things, ask, correct and forget.
import type { AgentDefinition } from '../types.ts';
import { forgetMemoryAction } from './forget-memory.action.ts';
import { memBuiltin } from './mem-builtin.ts';
import { MEM_INSTRUCTIONS } from './mem-instructions.ts';
import { FORGET_ACTION, memTools } from './mem-tools.ts';

export const memAgent: AgentDefinition = {
  name: '@mem',
  description: 'Your long-term memory: tell it facts and preferences, ask about them later, correct or forget them.',
  examples: ['@mem remember that my dentist is Dr. Weiss', "@mem what's my dentist's name?", '@mem what do you know about me?', '@mem forget my dentist'],
  status: async () => 'ready',
  instructions: MEM_INSTRUCTIONS,
  tools: memTools,
  builtin: memBuiltin,
  actions: { [FORGET_ACTION]: forgetMemoryAction },
};
