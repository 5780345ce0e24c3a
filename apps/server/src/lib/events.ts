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
  | 'auth.password_reset_requested'
  | 'auth.password_reset'
  | 'auth.token_created'
  | 'auth.token_revoked'
  | 'auth.mfa_enabled'
  | 'auth.mfa_disabled'
  | 'auth.mfa_failed'
  | 'auth.passkey_added'
  | 'auth.passkey_removed'
  | 'auth.invite_used'
  | 'mail.notice_failed'
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
  | 'memory.deleted'
  | 'reminder.delivered'
  | 'push.sent'
  | 'push.failed'
  | 'push.subscription_removed'
  | 'briefing.sent'
  | 'intent.chosen';

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

// Typed events: one function per event, so every caller logs the same fields.

/** A tool ran on behalf of an agent (LLM engine); `name` is the tool the model called. */
export function toolCalled(ctx: Pick<AppContext, 'log'>, f: { userId: string; agent: string; engine: 'llm' | 'builtin'; name: string; ms: number; ok: boolean }): void {
  logEvent(ctx, 'tool.call', f);
}

/** One agent turn finished. */
export function agentRan(ctx: Pick<AppContext, 'log'>, f: { userId: string; agent: string; engine: string; outcome: 'ok' | 'error' | 'timeout' | 'stopped'; ms: number }): void {
  logEvent(ctx, 'agent.run', f);
}

/** The built-in classifier picked a row of an agent's intent table (or asked back). */
export function intentChosen(
  ctx: Pick<AppContext, 'log'>,
  f: { userId: string; agent: string; intent: string; score: number; runnerUp: string | null; asked: boolean },
): void {
  logEvent(ctx, 'intent.chosen', f);
}

/** A user's message was stored (before any agent answers). */
export function messageSent(ctx: Pick<AppContext, 'log'>, f: { userId: string; agent: string }): void {
  logEvent(ctx, 'message.sent', f);
}

/** An agent proposed an action that waits for the user's confirmation. */
export function actionProposed(ctx: Pick<AppContext, 'log'>, f: { userId: string; kind: string; agent: string | null }): void {
  logEvent(ctx, 'action.proposed', f);
}
