// Per-user working state of the agents and of the conversation (agent_state rows).
import type { AppContext } from '../../context.ts';
import * as repo from './agent-state.repo.ts';

export const loadAgentState = (ctx: Pick<AppContext, 'db'>, userId: string, key: string) => repo.getAgentState(ctx.db, userId, key);

export const saveAgentState = (ctx: Pick<AppContext, 'db'>, userId: string, key: string, value: Record<string, unknown>) =>
  repo.setAgentState(ctx.db, userId, key, value);
