// Each feature contributes its part of the account export (one line each).
// Sections never contain secrets, hashes or tokens.
import type { AppContext } from '../../context.ts';
import { exportPendingActions } from '../actions/actions.repo.ts';
import { exportAccountSecurity } from '../auth/account-security.export.ts';
import { listSessionsForExport } from '../auth/auth.repo.ts';
import { exportCalendar } from '../calendar/calendar.service.ts';
import { listConnections } from '../connections/connections.repo.ts';
import { exportMcpServers } from '../mcp-client/mcp-client.repo.ts';
import { exportAgentState, exportMessages } from '../messages/messages.repo.ts';
import { exportMemories } from '../memory/memory.service.ts';
import { exportReminders } from '../reminders/reminders.service.ts';

export type ExportSection = (ctx: AppContext, userId: string) => Promise<Record<string, unknown>>;

export const exportSections: ExportSection[] = [
  async (ctx, userId) => ({ sessions: await listSessionsForExport(ctx.db, userId) }),
  (ctx, userId) => exportAccountSecurity(ctx, userId),
  async (ctx, userId) => ({ messages: await exportMessages(ctx.db, userId) }),
  async (ctx, userId) => ({ agentState: await exportAgentState(ctx.db, userId) }),
  async (ctx, userId) => ({ pendingActions: await exportPendingActions(ctx.db, userId) }),
  async (ctx, userId) => ({ connections: await listConnections(ctx.db, userId) }),
  (ctx, userId) => exportCalendar(ctx, userId),
  async (ctx, userId) => ({ memories: await exportMemories(ctx, userId) }),
  async (ctx, userId) => ({ mcpServers: await exportMcpServers(ctx.db, userId) }),
  (ctx, userId) => exportReminders(ctx, userId),
];
