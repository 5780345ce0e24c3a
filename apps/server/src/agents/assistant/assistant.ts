// The general assistant: answers messages without an @mention. Without a
// model it introduces the agents and points to the right one.
import type { AgentContext, AgentReply, BuiltinRequest, ToolDef } from '../types.ts';
import { agents } from '../registry.ts';
import { listAgentsTool } from './list-agents.tool.ts';
import { handleReminderRequest } from '../cal/reminder.tool.ts';

export const ASSISTANT_INSTRUCTIONS = `You are LifeOS, a friendly personal assistant in a single chat.
The user can mention three agents: @mail (their mailbox), @cal (their calendar) and @mem (their long-term memory).
You cannot read mail, the calendar or memories yourself; list_agents tells you which agents are ready for this user.
Chat normally and briefly; when a request needs one of the agents, say which one and give the exact message to send,
for example "@cal add dentist tomorrow at 9". If that agent needs an account connected first, say so.`;

/** The general assistant's tools under the LLM engine. */
export const ASSISTANT_TOOLS: ToolDef[] = [listAgentsTool];

const HINTS: { agent: '@mail' | '@cal' | '@mem'; words: RegExp; example: string }[] = [
  { agent: '@mail', words: /\b(e-?mails?|mails?|inbox|unread|reply|replies|send|sent|forward|newsletter)\b/i, example: '@mail anything new?' },
  { agent: '@cal', words: /\b(calendar|meeting|appointment|schedule|agenda|free|busy|tomorrow|today|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|event)\b/i, example: "@cal what's on tomorrow?" },
  { agent: '@mem', words: /\b(remember|remind me what|forget|note|memory|memories|know about me|my \w+ is)\b/i, example: '@mem remember that …' },
];

const greeting = /^(hi|hello|hey|hallo|good (morning|afternoon|evening)|yo)\b/i;
const thanks = /^(thanks|thank you|thx|cheers)\b/i;
const help = /\b(help|what can you do|what do you do|how does this work|who are you|commands|agents)\b/i;

function introduction(name: string | null): string {
  const lines = agents.map((a) => `- **${a.name}** — ${a.description}\n  e.g. “${a.examples[0]}”`);
  return [
    `${name ? `Hi ${name}! ` : 'Hi! '}I'm LifeOS. Mention an agent and it takes care of it:`,
    ...lines,
    'Type **@** to pick one.',
  ].join('\n');
}

export async function generalAssistant(request: BuiltinRequest, ctx: AgentContext): Promise<AgentReply> {
  const text = request.text.trim();
  const name = ctx.user.username;
  if (thanks.test(text)) return { content: "You're welcome!" };
  if (help.test(text) || greeting.test(text) || text.length === 0) return { content: introduction(name) };
  // "Remind me …" needs no mention: @cal's reminder handling answers it.
  const reminder = await handleReminderRequest(request, ctx);
  if (reminder) return { ...reminder, metadata: { ...reminder.metadata, agents: ['@cal'] } };
  const hint = HINTS.find((h) => h.words.test(text));
  if (hint) {
    return {
      content: `That sounds like a job for **${hint.agent}**. Try: “${hint.agent} ${text}”\n(or, for example, “${hint.example}”).`,
      metadata: { suggestedAgent: hint.agent },
    };
  }
  return {
    content: `I can't chat freely without a language model configured, but the agents can help:\n${introduction(null).split('\n').slice(1).join('\n')}`,
  };
}
