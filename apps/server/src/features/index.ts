// Every feature's routes, one line each.
import type { Api } from '../http/api.ts';
import type { AppContext } from '../context.ts';
import { registerAccountRoutes } from './account/account.routes.ts';
import { registerActionRoutes } from './actions/actions.routes.ts';
import { registerAgentRoutes } from './agents/agents.routes.ts';
import { registerAuthRoutes } from './auth/auth.routes.ts';
import { registerConnectionRoutes } from './connections/connections.routes.ts';
import { registerCalendarRoutes } from './calendar/calendar.routes.ts';
import { registerDiscoveryRoutes } from './discovery/discovery.routes.ts';
import { registerHealthRoutes } from './health/health.routes.ts';
import { registerMcpClientRoutes } from './mcp-client/mcp-client.routes.ts';
import { registerMemoryRoutes } from './memory/memory.routes.ts';
import { registerMessageRoutes } from './messages/messages.routes.ts';
import { registerOAuthRoutes } from './oauth/oauth.routes.ts';
import { registerPushRoutes } from './push/push.routes.ts';
import { registerReminderRoutes } from './reminders/reminders.routes.ts';

export const features: ((api: Api, ctx: AppContext) => void)[] = [
  registerHealthRoutes,
  registerDiscoveryRoutes,
  registerAuthRoutes,
  registerAccountRoutes,
  registerMessageRoutes,
  registerAgentRoutes,
  registerActionRoutes,
  registerConnectionRoutes,
  registerCalendarRoutes,
  registerMemoryRoutes,
  registerOAuthRoutes,
  registerMcpClientRoutes,
  registerReminderRoutes,
  registerPushRoutes,
];
