// The agents' own tools, offered to MCP clients: one source of truth (the zod
// input becomes the tool's JSON Schema), named `<agent>_<tool>`, each behind
// the scope a personal access token or OAuth grant must carry. A tool that
// proposes an action (sending mail, deleting, changing an external calendar)
// creates the same pending action as the chat, shown as a card on every device.
import type { AgentName } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { agents } from '../../agents/registry.ts';
import { createAgentContext } from '../../agents/runtime.ts';
import type { AgentDefinition, ToolDef } from '../../agents/types.ts';
import { logEvent } from '../../lib/events.ts';
import { attachProposal } from '../actions/actions.service.ts';

import { SCOPES, type Scope } from '@lifeos/contract';

export { SCOPES, type Scope };

type Access = 'read' | 'write';

/** Tools that only read. Anything not listed here needs the agent's write scope (a new tool is safe by default). */
const READ_ONLY = new Set([
  'cal_list_events',
  'cal_find_free_slots',
  'cal_list_reminders',
  'mem_recall',
  'mem_search_memories',
  'mem_list_memories',
  'mail_list_mail',
  'mail_search_mail',
  'mail_read_mail',
  'mail_summarize_mail',
]);
/** Tools whose effect removes something (the MCP `destructiveHint`). */
const DESTRUCTIVE = /_(delete|forget|archive|cancel)/;

const SCOPE_OF: Record<string, Record<Access, Scope>> = {
  cal: { read: 'cal.read', write: 'cal.write' },
  mem: { read: 'mem.read', write: 'mem.write' },
  // Anything that changes a mailbox (drafts to send, archive, mark) needs mail.send.
  mail: { read: 'mail.read', write: 'mail.send' },
};

export interface McpTool {
  name: string;
  agent: AgentDefinition;
  tool: ToolDef;
  access: Access;
  scope: Scope;
  destructive: boolean;
}

const prefixOf = (agent: AgentName) => agent.slice(1);

/** Every agent tool as an MCP tool, with the scope it needs. */
export function mcpTools(): McpTool[] {
  return agents.flatMap((agent) =>
    agent.tools.map((tool) => {
      const prefix = prefixOf(agent.name);
      const name = `${prefix}_${tool.name}`;
      const access: Access = READ_ONLY.has(name) ? 'read' : 'write';
      return { name, agent, tool, access, scope: SCOPE_OF[prefix]![access], destructive: DESTRUCTIVE.test(name) };
    }),
  );
}

export const toolsForScopes = (scopes: readonly string[]) => mcpTools().filter((t) => scopes.includes(t.scope));

export type McpCallResult =
  | { kind: 'ok'; data: unknown }
  | { kind: 'pending'; action: { id: string; kind: string; summary: string; expiresAt: string }; messageId: string }
  | { kind: 'error'; message: string };

/**
 * Runs one tool for the signed-in user, exactly as the chat's engines would:
 * the same context, the same checks in `execute`, the same time limit.
 */
export async function callTool(
  app: AppContext,
  auth: AuthInfo,
  tool: McpTool,
  input: unknown,
  client: string,
): Promise<McpCallResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('the tool took too long')), app.config.agentTimeoutMs);
  const ctx = createAgentContext(app, { user: auth.user, agentName: tool.agent.name, sourceMessageId: null, signal: controller.signal });
  const started = performance.now();
  let ok = true;
  try {
    const parsed = tool.tool.input.safeParse(input);
    if (!parsed.success) {
      ok = false;
      const issue = parsed.error.issues[0];
      return { kind: 'error', message: `Invalid arguments: ${issue ? `${issue.path.join('.') || 'input'}: ${issue.message}` : 'not accepted'}` };
    }
    const data = await tool.tool.execute(parsed.data, ctx);
    const proposed = ctx.proposed.at(-1);
    if (proposed) {
      const messageId = await attachProposal(app, auth, {
        action: proposed,
        agentName: tool.agent.name,
        content: `${client} asks to do this for you — confirm or cancel here:\n\n${proposed.summary}`,
        source: { kind: 'mcp', client, tool: tool.name },
      });
      return { kind: 'pending', action: proposed, messageId };
    }
    return { kind: 'ok', data };
  } catch (err) {
    ok = false;
    const userMessage = (err as { userMessage?: unknown })?.userMessage;
    if (typeof userMessage === 'string') return { kind: 'error', message: userMessage };
    app.log.warn({ err, tool: tool.name }, 'MCP tool call failed');
    return { kind: 'error', message: 'Something went wrong while running the tool; please try again.' };
  } finally {
    clearTimeout(timer);
    logEvent(app, 'tool.call', {
      userId: auth.userId,
      agent: tool.agent.name,
      name: tool.tool.name,
      engine: 'mcp',
      client,
      ok,
      ms: Math.round(performance.now() - started),
    });
  }
}
