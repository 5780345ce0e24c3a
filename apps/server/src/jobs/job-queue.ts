// Work handed off to the background: a push to send, with retries and backoff.
// With the job runner started (every server process) a job goes through
// pg-boss, so any instance takes it and a failed attempt is retried later;
// before that (scripts, tests of one route) it runs at once in this process,
// once.
//
// With `tx` the job is written by that transaction: it exists exactly when what
// the transaction stores does (a reply and the extraction of its message, a
// reminder and its pushes), so a crash between the two cannot lose the job.
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/client.ts';

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

export interface SendOptions {
  startAfterSeconds?: number;
  /** Enqueue inside this transaction (committed or rolled back with it). */
  tx?: Tx;
}

export interface JobQueue {
  send<T extends object>(queue: QueueDefinition<T>, data: T, options?: SendOptions): Promise<void>;
}

export type JobSender = (queue: string, data: object, options: SendOptions) => Promise<void>;

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
      // In-process there is nothing to enqueue transactionally: the work runs after this turn of the loop.
      const ctx = getCtx();
      const timer = setTimeout(() => {
        queue.run(ctx, data).catch((err: unknown) => ctx.log.warn({ err, job: queue.name }, 'in-process job failed'));
      }, (options.startAfterSeconds ?? 0) * 1000);
      timer.unref();
    },
  };
}
