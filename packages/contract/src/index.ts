export * from './common.ts';
export * from './problem.ts';
export * from './health.ts';
export * from './auth.ts';
export * from './account.ts';
export * from './messages.ts';
export * from './agents.ts';
export * from './actions.ts';
