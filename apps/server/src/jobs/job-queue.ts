// Work handed off to the background: a push to send, with retries and backoff.
// With the job runner started (every server process) a job goes through
// pg-boss, so any instance takes it and a failed attempt is retried later;
// before that (scripts, tests of one route) it runs at once in this process,
// once.
import type { AppContext } from '../context.ts';

export interface QueueDefinition<T> {
  /** The queue name; also the label in metrics and logs. */
  name: string;
  retryLimit: number;
  /** Seconds before the first retry; doubled with jitter each time. */
  retryDelay: number;
  retryDelayMax: number;
  expireInSeconds: number;
  /** Throwing asks for a retry (while retries remain). */
  run(ctx: AppContext, data: T): Promise<void>;
}

export interface JobQueue {
  send<T extends object>(queue: QueueDefinition<T>, data: T, options?: { startAfterSeconds?: number }): Promise<void>;
}

export type JobSender = (queue: string, data: object, options: { startAfterSeconds?: number }) => Promise<void>;

export interface SwitchableJobQueue extends JobQueue {
  /** From now on jobs go through `sender` (the job runner); `undefined` goes back to running in-process. */
  use(sender: JobSender | undefined): void;
}

export function createJobQueue(getCtx: () => AppContext): SwitchableJobQueue {
  let sender: JobSender | undefined;
  return {
    use(next) {
      sender = next;
    },
    async send(queue, data, options = {}) {
      if (sender) return sender(queue.name, data, options);
      const ctx = getCtx();
      const timer = setTimeout(() => {
        queue.run(ctx, data).catch((err: unknown) => ctx.log.warn({ err, job: queue.name }, 'in-process job failed'));
      }, (options.startAfterSeconds ?? 0) * 1000);
      timer.unref();
    },
  };
}
