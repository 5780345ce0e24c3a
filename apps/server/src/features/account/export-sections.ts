// Each feature contributes its part of the account export (one line each).
// Sections never contain secrets, hashes or tokens.
import type { AppContext } from '../../context.ts';
import { exportUserPendingActions } from '../actions/actions.service.ts';
import { exportAccountSecurity } from '../auth/account-security.export.ts';
import { exportUserSessions } from '../auth/auth.service.ts';
import { exportCalendar } from '../calendar/calendar.service.ts';
import { exportUserConnections } from '../connections/connections.service.ts';
import { exportUserMcpServers } from '../mcp-client/mcp-client.service.ts';
import { exportUserAgentState, exportUserMessages } from '../messages/messages.service.ts';
import { exportMemories } from '../memory/memory.service.ts';
import { exportReminders } from '../reminders/reminders.service.ts';

export type ExportSection = (ctx: AppContext, userId: string) => Promise<Record<string, unknown>>;

export const exportSections: ExportSection[] = [
  async (ctx, userId) => ({ sessions: await exportUserSessions(ctx, userId) }),
  (ctx, userId) => exportAccountSecurity(ctx, userId),
  async (ctx, userId) => ({ messages: await exportUserMessages(ctx, userId) }),
  async (ctx, userId) => ({ agentState: await exportUserAgentState(ctx, userId) }),
  async (ctx, userId) => ({ pendingActions: await exportUserPendingActions(ctx, userId) }),
  async (ctx, userId) => ({ connections: await exportUserConnections(ctx, userId) }),
  (ctx, userId) => exportCalendar(ctx, userId),
  async (ctx, userId) => ({ memories: await exportMemories(ctx, userId) }),
  async (ctx, userId) => ({ mcpServers: await exportUserMcpServers(ctx, userId) }),
  (ctx, userId) => exportReminders(ctx, userId),
];
