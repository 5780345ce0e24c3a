// POST /api/messages/:id/stop: ends a reply that is still being written. The
// request may reach any instance, so it goes over the user's event bus to the
// one running the agent, which aborts the run and stores what was written so far
// (metadata.status = "stopped").
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { notFound } from '../../http/errors.ts';
import { findMessage } from './messages.repo.ts';

export const REPLY_STOP = 'reply.stop';
export const REPLY_STOPPING = 'reply.stopping';
/** How long the instance running the reply has to say it is stopping it. */
const ACK_MS = 1_500;

const idOf = (data: unknown) => (data as { id?: unknown } | null)?.id;

/**
 * Asks every instance to stop the reply `id` of this user. The one running it
 * answers over the bus; a reply that is already stored is left as it is. An id
 * that is neither (another user's, or unknown) is a 404.
 */
export async function stopReply(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  let acknowledged!: () => void;
  const ack = new Promise<void>((resolve) => (acknowledged = resolve));
  const unsubscribe = await ctx.bus.subscribe(auth.userId, (event) => {
    if (event.type === REPLY_STOPPING && idOf(event.data) === id) acknowledged();
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await ctx.bus.publish({ userId: auth.userId, type: REPLY_STOP, data: { id } });
    const stopped = await Promise.race([ack.then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), ACK_MS)))]);
    if (!stopped && !(await findMessage(ctx.db, auth.userId, id))) throw notFound('Reply');
  } finally {
    clearTimeout(timer);
    await unsubscribe().catch(() => undefined);
  }
}

/** Runs `work` with a signal that a stop request for `replyId` aborts. */
export async function stoppable<T>(ctx: AppContext, userId: string, replyId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let unsubscribe: (() => Promise<void>) | undefined;
  try {
    unsubscribe = await ctx.bus.subscribe(userId, (event) => {
      if (event.type !== REPLY_STOP || idOf(event.data) !== replyId) return;
      controller.abort(new Error('stopped by the user'));
      ctx.bus.publish({ userId, type: REPLY_STOPPING, data: { id: replyId } }).catch((err: unknown) => ctx.log.warn({ err }, 'could not confirm a stop'));
    });
  } catch (err) {
    // Without the bus the reply cannot be stopped, but it is still written.
    ctx.log.warn({ err }, 'could not listen for stop requests');
  }
  try {
    return await work(controller.signal);
  } finally {
    await unsubscribe?.().catch(() => undefined);
  }
}

/** Text streamed so far, kept for a stopped reply. */
export function collectDeltas(onDelta: (delta: string) => void): { push(delta: string): void; text(): string } {
  let text = '';
  return {
    push(delta) {
      text += delta;
      onDelta(delta);
    },
    text: () => text,
  };
}
