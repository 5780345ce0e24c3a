// Each instance looks for replies whose run lost its instance (a crash, a kill,
// a lost connection) every quarter of the run lease (at most once a second), and
// takes them over: the claim uses FOR UPDATE SKIP LOCKED, so one instance gets
// each run, and the reply's unique key stores it once whoever finishes first.
// The first scan runs at start: after a restart on the same data, the runs the
// last process left are picked up as soon as their lease lapses.
import type { AppContext } from '../context.ts';
import { resumeLapsedRuns } from '../features/messages/messages.service.ts';

/** Runs taken over at once by one instance; the rest wait for the next scan (or another instance). */
const MAX_RESUMED = 4;

export function startAgentRunScan(ctx: AppContext): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> = Promise.resolve();
  const running = new Set<Promise<void>>();
  const interval = Math.min(1_000, Math.max(50, Math.floor(ctx.config.agentRunLeaseMs / 4)));

  const tick = async () => {
    try {
      const started = await resumeLapsedRuns(ctx, MAX_RESUMED - running.size, (run) => {
        running.add(run);
        void run.finally(() => running.delete(run));
      });
      if (started > 0) ctx.log.info({ resumed: started }, 'took over replies whose instance stopped');
    } catch (err) {
      ctx.log.warn({ err: err instanceof Error ? err.message : err }, 'agent run scan failed');
    }
  };
  const loop = () => {
    if (stopped) return;
    scanning = tick().then(() => {
      if (!stopped) timer = setTimeout(loop, interval);
    });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await scanning;
      await Promise.allSettled([...running]);
    },
  };
}
