// Business events in one place: each is logged once here (and counted, once
// metrics exist), so the log tells the story of what users did.
import type { AppContext } from '../context.ts';

export type BusinessEvent =
  | 'user.registered'
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.refresh_reuse'
  | 'auth.password_changed'
  | 'account.deleted'
  | 'message.sent'
  | 'message.deleted'
  | 'agent.run'
  | 'tool.call'
  | 'action.proposed'
  | 'action.confirmed'
  | 'action.cancelled'
  | 'connection.created'
  | 'connection.failed'
  | 'connection.deleted'
  | 'mail.sent'
  | 'calendar.connected'
  | 'calendar.synced'
  | 'calendar.sync_failed'
  | 'memory.created'
  | 'memory.updated'
  | 'memory.deleted';

type Listener = (event: BusinessEvent, fields: Record<string, unknown>) => void;
const listeners = new Set<Listener>();

/** Lets metrics (or tests) observe events without the callers knowing. */
export function onBusinessEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function logEvent(ctx: Pick<AppContext, 'log'>, event: BusinessEvent, fields: Record<string, unknown>): void {
  ctx.log.info({ event, ...fields }, event);
  for (const listener of listeners) listener(event, fields);
}
