// Background work that must run once per cluster, not once per instance.
// pg-boss keeps its queue in the application's own PostgreSQL (schema
// `pgboss`): every instance registers the same schedules (an upsert), the
// scheduler creates one job per slot, and exactly one instance claims each
// job (SELECT ... FOR UPDATE SKIP LOCKED). On the embedded database the same
// code runs in-process on PGlite.
import { sql } from 'drizzle-orm';
import { fromDrizzle, PgBoss, type DrizzleTransactionLike } from 'pg-boss';
import type { AppContext } from '../context.ts';
import { isUniqueViolation } from '../features/auth/auth.repo.ts';
import { briefingJob } from './briefing.job.ts';
import { pruneJob } from './prune.job.ts';
import { queues as pushQueues } from './push.jobs.ts';
import { memoryExtractQueue } from '../agents/mem/mem-extract.ts';
import { startAgentRunScan } from './agent-run-scan.ts';
import type { QueueDefinition } from './job-queue.ts';
import { startReminderScan } from './reminder-scan.ts';

export interface JobDefinition {
  /** The queue name; also the label in metrics and logs. */
  name: string;
  /** Five-field cron expression (UTC). */
  cron: string;
  /** Does the work; what it returns is logged (counts). */
  run(ctx: AppContext): Promise<Record<string, number>>;
}

export const jobs: JobDefinition[] = [pruneJob, briefingJob];
export const workQueues: QueueDefinition<never>[] = [...pushQueues, memoryExtractQueue as unknown as QueueDefinition<never>];

export interface JobRunner {
  /** Sends one job now (operations and tests); resolves to its id. */
  trigger(name: string): Promise<string | null>;
  /** Stops taking jobs and waits (bounded) for running ones. */
  stop(): Promise<void>;
}

const SCHEMA = 'pgboss';

export async function startJobs(ctx: AppContext, definitions: JobDefinition[] = jobs, options: { reminders?: boolean; agentRuns?: boolean } = {}): Promise<JobRunner> {
  // Instances starting together race on CREATE SCHEMA IF NOT EXISTS (a unique violation
  // in the catalog); the loser simply finds it there. The rest of pg-boss's install runs
  // under its own advisory lock.
  await ctx.database.execute(`create schema if not exists ${SCHEMA}`).catch((err: unknown) => {
    if (!isUniqueViolation(err)) throw err;
  });
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => ctx.database.execute(text, values) },
    backend: ctx.database.driver === 'pglite' ? 'pglite' : 'postgres',
    schema: SCHEMA,
    createSchema: false,
    // Instances come and go behind a load balancer; the registry would only collect dead rows.
    registerInstance: false,
    openTelemetry: { enabled: false },
  });
  boss.on('error', (err: unknown) => ctx.log.warn({ err: err instanceof Error ? err.message : err }, 'job queue error'));
  await boss.start();

  for (const job of definitions) {
    await boss.createQueue(job.name, { retryLimit: 2, expireInSeconds: 300 });
    await boss.schedule(job.name, job.cron);
    await boss.work(job.name, { pollingIntervalSeconds: 5 }, async ([item]) => {
      const end = ctx.metrics.jobRuns.startTimer({ job: job.name });
      try {
        const result = await job.run(ctx);
        end({ outcome: 'ok' });
        ctx.log.info({ job: job.name, id: item?.id, ...result }, 'job done');
      } catch (err) {
        end({ outcome: 'error' });
        ctx.log.error({ err, job: job.name, id: item?.id }, 'job failed');
        throw err;
      }
    });
  }

  for (const queue of workQueues) {
    await boss.createQueue(queue.name, {
      retryLimit: queue.retryLimit,
      retryDelay: queue.retryDelay,
      retryBackoff: true,
      retryDelayMax: queue.retryDelayMax,
      expireInSeconds: queue.expireInSeconds,
    });
    await boss.work(queue.name, { pollingIntervalSeconds: 0.5, localConcurrency: 5 }, async ([item]) => {
      const end = ctx.metrics.jobRuns.startTimer({ job: queue.name });
      try {
        await queue.run(ctx, item!.data as never);
        end({ outcome: 'ok' });
      } catch (err) {
        end({ outcome: 'error' });
        ctx.log.warn({ err: err instanceof Error ? err.message : err, job: queue.name, id: item?.id }, 'job will be retried');
        throw err;
      }
    });
  }
  ctx.jobs.use(async (name, data, sendOptions) => {
    await boss.send(name, data, {
      ...(sendOptions.startAfterSeconds ? { startAfter: sendOptions.startAfterSeconds } : {}),
      // The job row is written by the caller's transaction (Db's execute is typed loosely: its rows are unknown).
      ...(sendOptions.tx ? { db: fromDrizzle(sendOptions.tx as unknown as DrizzleTransactionLike, sql) } : {}),
    });
  });
  const scan = options.reminders === false ? undefined : startReminderScan(ctx);
  // Replies whose instance died mid-run: taken over here once their lease lapses.
  const runs = options.agentRuns === false ? undefined : startAgentRunScan(ctx);

  return {
    trigger: (name) => boss.send(name, {}),
    async stop() {
      await scan?.stop();
      await runs?.stop();
      ctx.jobs.use(undefined);
      await boss.stop({ graceful: true, timeout: 5_000 });
    },
  };
}
