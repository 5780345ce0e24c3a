import type { AgentDefinition } from '../types.ts';

// NOTE: the mail skills (connections, tools, built-in engine) arrive with the @mail feature.
export const mailAgent: AgentDefinition = {
  name: '@mail',
  description: 'Works your mailbox: what is new, search, read, summarize, reply and send after you confirm.',
  examples: ['@mail anything new?', '@mail find the invoice from Hetzner', '@mail reply to 2: thanks, Thursday works'],
  status: async () => 'needs_connection',
  instructions: 'You are @mail, the mail agent of LifeOS.',
  tools: [],
  builtin: async () => ({
    content: 'Connect a mailbox first (Settings → Connections), then ask me "anything new?".',
  }),
  actions: {},
};
