// @mail: triage, search, read, summarize, draft and (after confirmation) send,
// for Gmail and any IMAP/SMTP mailbox.
import { findMailConnection } from '../../features/connections/mailboxes.ts';
import type { AgentDefinition } from '../types.ts';
import { mailBuiltin } from './mail-builtin.ts';
import { MAIL_INSTRUCTIONS } from './mail-instructions.ts';
import { archiveMailAction, markMailAction } from './change-mail.action.ts';
import { ARCHIVE_ACTION, MARK_ACTION, mailTools, SEND_ACTION } from './mail-tools.ts';
import { sendMailAction } from './send-mail.action.ts';

export const mailAgent: AgentDefinition = {
  name: '@mail',
  description: 'Works your mailbox: what is new, search, read, summarize, reply and send after you confirm.',
  examples: ['@mail anything new?', '@mail find the invoice from Hetzner', '@mail summarize my unread', '@mail reply to 2: thanks, Thursday works'],
  async status(app, userId) {
    return (await findMailConnection(app, userId)) ? 'ready' : 'needs_connection';
  },
  instructions: MAIL_INSTRUCTIONS,
  tools: mailTools,
  builtin: mailBuiltin,
  actions: { [SEND_ACTION]: sendMailAction, [ARCHIVE_ACTION]: archiveMailAction, [MARK_ACTION]: markMailAction },
};
