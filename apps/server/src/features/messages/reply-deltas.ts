// Publishes the chunks of a reply being generated as `message.delta` events,
// one publish at a time: concurrent publishes (NOTIFY over a connection pool)
// can arrive out of order. Chunks that come in while one is in flight are sent
// together in the next event, so a slow bus never falls behind the model.
import type { AgentName } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';

export const MESSAGE_DELTA = 'message.delta';

export interface ReplyDeltas {
  push(delta: string): void;
  /** Resolves once every chunk pushed so far was published (or failed to be). */
  flushed(): Promise<void>;
}

export function replyDeltas(
  ctx: Pick<AppContext, 'bus' | 'log'>,
  userId: string,
  reply: { messageId: string; agentName: AgentName | null },
): ReplyDeltas {
  let pending = '';
  let index = 0;
  let sending: Promise<void> | undefined;

  const drain = async () => {
    while (pending) {
      const delta = pending;
      pending = '';
      try {
        await ctx.bus.publish({ userId, type: MESSAGE_DELTA, data: { ...reply, index: index++, delta } });
      } catch (err) {
        // A preview only: the stored reply follows as message.created.
        ctx.log.debug({ err }, 'could not publish a reply delta');
      }
    }
    sending = undefined;
  };

  return {
    push(delta) {
      if (!delta) return;
      pending += delta;
      sending ??= drain();
    },
    flushed: () => sending ?? Promise.resolve(),
  };
}
