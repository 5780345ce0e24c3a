import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { agentState } from '../../db/schema/index.ts';

export async function getAgentState(db: Db, userId: string, agentName: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await db
    .select({ stateData: agentState.stateData })
    .from(agentState)
    .where(and(eq(agentState.userId, userId), eq(agentState.agentName, agentName)))
    .limit(1);
  return row?.stateData;
}

export async function setAgentState(db: Db, userId: string, agentName: string, stateData: Record<string, unknown>): Promise<void> {
  await db
    .insert(agentState)
    .values({ userId, agentName, stateData })
    .onConflictDoUpdate({
      target: [agentState.userId, agentState.agentName],
      set: { stateData, updatedAt: sql`now()` },
    });
}
