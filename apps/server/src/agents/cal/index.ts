import type { AgentDefinition } from '../types.ts';
import { calActions } from './cal-actions.ts';
import { calBuiltin } from './cal-builtin.ts';
import { CAL_INSTRUCTIONS } from './cal-instructions.ts';
import { calTools } from './cal-tools.ts';
import { reminderTools } from './reminder.tool.ts';

export const calAgent: AgentDefinition = {
  name: '@cal',
  description: 'Runs your calendar: add events, see your agenda, find free time, move or cancel things.',
  examples: [
    '@cal add haircut next Thursday at 10',
    "@cal what's my week look like",
    '@cal am I free on Thursday at 10:30?',
    '@cal move the haircut to 11',
  ],
  // The local calendar always works; connected calendars only add to it.
  status: async () => 'ready',
  instructions: CAL_INSTRUCTIONS,
  tools: [...calTools, ...reminderTools] as AgentDefinition['tools'],
  builtin: calBuiltin,
  actions: calActions,
};
