// Housekeeping: sessions past their expiry or idle limit (and revoked ones),
// and confirmations nobody answered a day after they expired (kept that long
// so a late confirm still reads "expired" rather than "not found").
import type { AppContext } from '../context.ts';
import { pruneExpiredActions } from '../features/actions/actions.repo.ts';
import { pruneExpiredAuthSteps, pruneSessions } from '../features/auth/auth.repo.ts';
import { SESSION_IDLE_MS } from '../features/auth/auth.service.ts';
import { pruneEndedSessionSubscriptions } from '../features/push/push.service.ts';
import type { JobDefinition } from './job-runner.ts';

const DAY_MS = 24 * 3600 * 1000;

export const pruneJob: JobDefinition = {
  name: 'lifeos.prune',
  // Every 15 minutes, once for the whole cluster.
  cron: '*/15 * * * *',
  async run(ctx: AppContext) {
    const now = ctx.now();
    // Before the sessions go: a revoked session's subscriptions are removed even while its row is kept.
    const pushSubscriptions = await pruneEndedSessionSubscriptions(ctx);
    const sessions = await pruneSessions(ctx.db, now, new Date(now.getTime() - SESSION_IDLE_MS));
    const actions = await pruneExpiredActions(ctx.db, new Date(now.getTime() - DAY_MS));
    const authSteps = await pruneExpiredAuthSteps(ctx.db, now);
    return { sessions, actions, authSteps, pushSubscriptions };
  },
};
