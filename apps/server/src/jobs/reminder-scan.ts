// Each instance looks for due reminders every REMINDER_SCAN_MS (1 s by default),
// or sooner when the next one falls due before that, and delivers what it can claim. Claims use FOR UPDATE SKIP LOCKED, so any
// number of instances scan side by side and each reminder is delivered by one;
// the scan reads a partial index of scheduled rows, so its cost does not grow
// with the number of reminders far in the future. The first scan runs at start:
// reminders that fell due while no server ran are delivered then, marked late.
import type { AppContext } from '../context.ts';
import { deliverDueReminders, nextDueAt } from '../features/reminders/deliver-reminders.ts';

export function startReminderScan(ctx: AppContext): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  /** Scans, then says how long to sleep: the interval, or less when the next reminder is due sooner. */
  const tick = async (): Promise<number> => {
    const interval = ctx.config.reminderScanMs;
    try {
      const { delivered } = await deliverDueReminders(ctx);
      if (delivered > 0) ctx.log.debug({ delivered }, 'reminders delivered');
      const next = await nextDueAt(ctx);
      // A few milliseconds late rather than early: the claim compares with this instance's clock.
      return next ? Math.max(5, Math.min(interval, next.getTime() - ctx.now().getTime() + 5)) : interval;
    } catch (err) {
      ctx.log.warn({ err: err instanceof Error ? err.message : err }, 'reminder scan failed');
      return interval;
    }
  };
  const loop = () => {
    if (stopped) return;
    running = tick().then((sleep) => {
      if (!stopped) timer = setTimeout(loop, sleep);
    });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
