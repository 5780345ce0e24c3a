// One line per feature's schema file.
export * from './core.ts';
export * from './connections.ts';
export * from './actions.ts';
export * from './oauth-states.ts';
export * from './calendar.ts';
export * from './memory.ts';
export * from './oauth-server.ts';
export * from './mcp-servers.ts';
export * from './auth-security.ts';
export * from './reminders.ts';
