// The mail use cases: list, search, read, summarise, draft (reply, new,
// forward), mark and archive. Both engines of @mail call them: the LLM engine
// through its tools, the built-in engine directly. Anything that sends only
// proposes an action; it runs when the user confirms. The model may also read
// mail written by anyone, so every tool it has that changes the mailbox
// (archive, mark) only proposes too; the built-in engine changes it directly,
// because it acts on the user's own words alone.
import type { MailAddress, MailDraft, MailMessage, MailQuery, MailSummary, SentMail } from '../../integrations/mail/mail.types.ts';
import { forwardBody, forwardSubject, quoteForReply, replySubject, replyThreading } from '../../integrations/mail/compose.ts';
import type { PendingAction } from '@lifeos/contract';
import { digestMail, looksLikePromptInjection, type MailDigest } from './mail-summary.ts';
import { formatDraft, senderName } from './draft-text.ts';
import { logEvent } from '../../lib/events.ts';
import { resolveTarget, saveListing, withMailbox, type MailCaller, type MailTarget } from './mail-session.ts';

export type { MailCaller, MailTarget } from './mail-session.ts';
export { CONNECT_HELP, MailNotConnectedError } from './mail-session.ts';

export const MAX_LIST = 25;
export const DEFAULT_LIST = 10;
export const MAX_SUMMARIZE = 10;
export const SEND_ACTION = 'mail.send';
export const ARCHIVE_ACTION = 'mail.archive';
export const MARK_ACTION = 'mail.mark';

// ---- results (plain data: the built-in engine formats them, the LLM reads them as JSON) ----

export interface ListResult {
  label: string;
  total: number;
  items: (MailSummary & { index: number })[];
}

export interface ReadResult {
  index: number | null;
  message: MailMessage;
  suspicious: boolean;
}

export interface SummaryResult {
  index: number | null;
  message: MailMessage;
  digest: MailDigest;
}

export interface DraftResult {
  mode: 'new' | 'reply' | 'forward';
  from: string;
  draft: MailDraft;
  summary: string;
  pendingAction: PendingAction;
}

// ---- the operations ----

export async function listMail(ctx: MailCaller, query: MailQuery, label: string, limit = DEFAULT_LIST): Promise<ListResult> {
  return withMailbox(ctx, async (mailbox, connection) => {
    const list = await mailbox.list(query, Math.min(Math.max(limit, 1), MAX_LIST));
    await saveListing(ctx, connection.id, label, list.messages);
    return { label, total: list.total, items: list.messages.map((m, i) => ({ ...m, index: i + 1 })) };
  });
}

export async function readMail(ctx: MailCaller, target: MailTarget | { kind: 'id'; id: string }): Promise<ReadResult> {
  return withMailbox(ctx, async (mailbox, connection) => {
    const { id, index } = await resolveTarget(ctx, mailbox, connection, target);
    const message = await mailbox.get(id);
    return { index, message, suspicious: looksLikePromptInjection(`${message.subject}\n${message.text}`) };
  });
}

export async function summarizeMail(ctx: MailCaller, target: MailTarget | { kind: 'id'; id: string }): Promise<SummaryResult> {
  return withMailbox(ctx, async (mailbox, connection) => {
    const { id, index } = await resolveTarget(ctx, mailbox, connection, target);
    const message = await mailbox.get(id);
    return { index, message, digest: digestMail(message) };
  });
}

export async function summarizeList(
  ctx: MailCaller,
  query: MailQuery,
  label: string,
  limit = MAX_SUMMARIZE,
): Promise<{ label: string; total: number; items: { index: number; summary: MailSummary; digest: MailDigest }[] }> {
  return withMailbox(ctx, async (mailbox, connection) => {
    const list = await mailbox.list(query, Math.min(limit, MAX_SUMMARIZE));
    await saveListing(ctx, connection.id, label, list.messages);
    const items = [];
    for (const [i, summary] of list.messages.entries()) {
      const message = await mailbox.get(summary.id);
      items.push({ index: i + 1, summary, digest: digestMail(message) });
    }
    return { label, total: list.total, items };
  });
}

async function propose(
  ctx: MailCaller,
  connectionId: string,
  mode: DraftResult['mode'],
  from: string,
  draft: MailDraft,
  forwardOf?: { id: string; filename: string },
): Promise<DraftResult> {
  const summary = formatDraft(mode, draft, from);
  // The original of a forward is fetched again at send time; the payload holds no mail source.
  const { forwardedRaw: _raw, ...stored } = draft;
  const pendingAction = await ctx.proposeAction({
    kind: SEND_ACTION,
    summary,
    payload: { connectionId, mode, draft: stored, ...(forwardOf ? { forwardOf } : {}) },
  });
  return { mode, from, draft, summary, pendingAction };
}

const senderOf = (settings: Record<string, unknown>, account: string) => {
  const name = typeof settings.displayName === 'string' ? settings.displayName : '';
  return name ? `${name} <${account}>` : account;
};

export async function draftReply(ctx: MailCaller, target: MailTarget | { kind: 'id'; id: string }, body: string): Promise<DraftResult> {
  return withMailbox(ctx, async (mailbox, connection) => {
    const { id } = await resolveTarget(ctx, mailbox, connection, target);
    const original = await mailbox.get(id);
    const to = original.replyTo.length > 0 ? original.replyTo : [original.from];
    const draft: MailDraft = {
      to,
      cc: [],
      subject: replySubject(original.subject),
      text: `${body.trim()}\n\n${quoteForReply(original)}`,
      ...replyThreading(original),
      threadId: original.threadId ?? null,
    };
    return propose(ctx, connection.id, 'reply', senderOf(connection.settings, connection.account), draft);
  });
}

export async function draftNew(ctx: MailCaller, input: { to: MailAddress[]; cc: MailAddress[]; subject: string; body: string }): Promise<DraftResult> {
  return withMailbox(ctx, async (_mailbox, connection) => {
    const draft: MailDraft = { to: input.to, cc: input.cc, subject: input.subject.trim(), text: input.body.trim() };
    return propose(ctx, connection.id, 'new', senderOf(connection.settings, connection.account), draft);
  });
}

export async function draftForward(ctx: MailCaller, target: MailTarget | { kind: 'id'; id: string }, to: MailAddress[], note: string): Promise<DraftResult> {
  return withMailbox(ctx, async (mailbox, connection) => {
    const { id } = await resolveTarget(ctx, mailbox, connection, target);
    const original = await mailbox.get(id);
    const filename = `${(original.subject || 'message').replace(/[^\p{L}\p{N} ._-]+/gu, '').trim().slice(0, 60) || 'message'}.eml`;
    const draft: MailDraft = {
      to,
      cc: [],
      subject: forwardSubject(original.subject),
      text: forwardBody(note, original),
      forwardedRaw: { filename, raw: '' },
    };
    return propose(ctx, connection.id, 'forward', senderOf(connection.settings, connection.account), draft, { id, filename });
  });
}

export async function markMail(ctx: MailCaller, target: MailTarget | { kind: 'id'; id: string }, read: boolean): Promise<{ index: number | null; subject: string; from: MailAddress }> {
  return withMailbox(ctx, async (mailbox, connection) => {
    const { id, index } = await resolveTarget(ctx, mailbox, connection, target);
    const m = await mailbox.get(id);
    await mailbox.markRead(id, read);
    return { index, subject: m.subject, from: m.from };
  });
}

export async function archiveMail(ctx: MailCaller, target: MailTarget | { kind: 'id'; id: string }): Promise<{ index: number | null; subject: string; from: MailAddress }> {
  return withMailbox(ctx, async (mailbox, connection) => {
    const { id, index } = await resolveTarget(ctx, mailbox, connection, target);
    const m = await mailbox.get(id);
    await mailbox.archive(id);
    return { index, subject: m.subject, from: m.from };
  });
}

export interface ChangeProposal {
  summary: string;
  pendingAction: PendingAction;
}

const quoted = (subject: string) => `"${subject.replace(/\s+/g, ' ').trim().slice(0, 200) || '(no subject)'}"`;

/** Proposes archiving one mail; it moves only when the user confirms (ARCHIVE_ACTION). */
export async function proposeArchive(ctx: MailCaller, target: MailTarget | { kind: 'id'; id: string }): Promise<ChangeProposal> {
  return withMailbox(ctx, async (mailbox, connection) => {
    const { id } = await resolveTarget(ctx, mailbox, connection, target);
    const m = await mailbox.get(id);
    const summary = `Archive ${quoted(m.subject)} from ${senderName(m.from)}: it leaves the inbox and is kept in the archive.`;
    const pendingAction = await ctx.proposeAction({ kind: ARCHIVE_ACTION, summary, payload: { connectionId: connection.id, id, subject: m.subject, from: m.from } });
    return { summary, pendingAction };
  });
}

/** Proposes marking one mail read or unread; it changes only when the user confirms (MARK_ACTION). */
export async function proposeMark(ctx: MailCaller, target: MailTarget | { kind: 'id'; id: string }, read: boolean): Promise<ChangeProposal> {
  return withMailbox(ctx, async (mailbox, connection) => {
    const { id } = await resolveTarget(ctx, mailbox, connection, target);
    const m = await mailbox.get(id);
    const summary = `Mark ${quoted(m.subject)} from ${senderName(m.from)} as ${read ? 'read' : 'unread'}.`;
    const pendingAction = await ctx.proposeAction({ kind: MARK_ACTION, summary, payload: { connectionId: connection.id, id, read, subject: m.subject, from: m.from } });
    return { summary, pendingAction };
  });
}

// ---- mailbox scans that are not a listing the user sees (they keep the numbers of the last list) ----

/** The newest `limit` mails, for answering a question from them. */
export async function recentMail(ctx: MailCaller, limit: number): Promise<MailSummary[]> {
  return withMailbox(ctx, async (mailbox) => (await mailbox.list({}, limit)).messages);
}

/** Bulk mail: List-Unsubscribe, List-Id or Precedence: bulk in the header (read from the raw source, headers only). */
function isBulk(raw: string): boolean {
  const end = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, end < 0 ? Math.min(raw.length, 16_000) : Math.min(end, 16_000));
  return /^(?:list-unsubscribe|list-id|x-campaign|x-mailchimp-[\w-]+|feedback-id):/im.test(head) || /^precedence:\s*(?:bulk|list|junk)/im.test(head);
}

/** The newsletters among the newest `scan` mails. */
export async function findNewsletters(ctx: MailCaller, scan: number): Promise<MailSummary[]> {
  return withMailbox(ctx, async (mailbox) => {
    const recent = await mailbox.list({}, scan);
    const bulk: MailSummary[] = [];
    for (const m of recent.messages) if (isBulk(await mailbox.getRaw(m.id))) bulk.push(m);
    return bulk;
  });
}

// ---- confirmed actions: they run in the mailbox they were proposed for ----

/** Sends a confirmed draft exactly as proposed; a forward fetches its original again here. */
export async function sendDraft(
  ctx: MailCaller,
  input: { connectionId: string; mode: DraftResult['mode']; draft: MailDraft; forwardOf?: { id: string; filename: string } | undefined },
): Promise<SentMail> {
  return withMailbox(
    ctx,
    async (mailbox) => {
      const full: MailDraft = { ...input.draft };
      if (input.forwardOf) full.forwardedRaw = { filename: input.forwardOf.filename, raw: await mailbox.getRaw(input.forwardOf.id) };
      const sent = await mailbox.send(full);
      logEvent(ctx.app, 'mail.sent', { userId: ctx.user.id, mode: input.mode, recipients: sent.accepted.length });
      return sent;
    },
    input.connectionId,
  );
}

/** Archives one mail of a given mailbox of the user's. */
export async function archiveById(ctx: MailCaller, connectionId: string, id: string): Promise<void> {
  await withMailbox(ctx, (mailbox) => mailbox.archive(id), connectionId);
}

/** Marks one mail of a given mailbox of the user's read or unread. */
export async function markById(ctx: MailCaller, connectionId: string, id: string, read: boolean): Promise<void> {
  await withMailbox(ctx, (mailbox) => mailbox.markRead(id, read), connectionId);
}
