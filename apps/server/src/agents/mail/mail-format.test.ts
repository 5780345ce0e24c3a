import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMailList, formatDraft } from './mail-format.ts';
import { formatReceived, resolveDateRange, zonedMidnight } from '../../lib/time/date-range.ts';
import type { MailSummary } from '../../integrations/mail/mail.types.ts';

const ctx = { now: new Date('2026-11-30T09:00:00.000Z'), timeZone: 'Europe/Berlin' };
const summary = (over: Partial<MailSummary>): MailSummary => ({
  id: 'x',
  from: { name: 'Anna Berg', address: 'anna@example.net' },
  subject: 'Lease renewal',
  receivedAt: '2026-11-30T08:14:00.000Z',
  unread: true,
  preview: 'Hi Alice, the landlord sent the new lease.',
  hasAttachments: false,
  ...over,
});

test('when listing, then items are numbered with sender, subject, time, preview and the total', () => {
  const text = formatMailList(
    {
      total: 12,
      messages: [
        summary({}),
        summary({ from: { name: '', address: 'billing@hetzner.example' }, subject: 'Invoice\nR1', receivedAt: '2026-11-29T17:02:00.000Z', hasAttachments: true, preview: '' }),
      ],
    },
    'unread',
    ctx,
  );
  assert.equal(
    text,
    [
      '12 mails (unread), newest 2 shown:',
      '1. Anna Berg — Lease renewal · today 09:14',
      '   Hi Alice, the landlord sent the new lease.',
      '2. billing@hetzner.example — Invoice R1 · yesterday 18:02 (attachment)',
      'Say "read 1" to open one, or narrow it down, e.g. "find mails from Anna this week".',
    ].join('\n'),
  );
  assert.equal(formatMailList({ total: 0, messages: [] }, 'unread', ctx), 'No unread mail. You are all caught up.');
});

test('when a draft is shown, then every field is there before anything is sent', () => {
  const t = formatDraft('reply', { to: [{ name: 'Anna', address: 'anna@example.net' }], cc: [], subject: 'Re: Lease', text: 'Thanks', inReplyTo: '<a@b>' }, 'alice@example.test');
  assert.match(t, /^Reply — draft, not sent yet:\nFrom: alice@example.test\nTo: Anna <anna@example.net>\nCc: \(none\)\nSubject: Re: Lease\nIn-Reply-To: <a@b>\n\nThanks\n\nConfirm to send it, or cancel\.$/);
});

test('when dates are relative, then they follow the user time zone and DST', () => {
  assert.equal(zonedMidnight(2026, 3, 29, 'Europe/Berlin').toISOString(), '2026-03-28T23:00:00.000Z');
  assert.equal(zonedMidnight(2026, 3, 30, 'Europe/Berlin').toISOString(), '2026-03-29T22:00:00.000Z');
  assert.equal(zonedMidnight(2026, 11, 30, 'America/New_York').toISOString(), '2026-11-30T05:00:00.000Z');
  assert.deepEqual(resolveDateRange('last week', ctx.now, ctx.timeZone), { since: '2026-11-22T23:00:00.000Z', before: '2026-11-29T23:00:00.000Z', label: 'last week' });
  assert.deepEqual(resolveDateRange('in November', ctx.now, ctx.timeZone), { since: '2026-10-31T23:00:00.000Z', before: '2026-11-30T23:00:00.000Z', label: 'in November' });
  assert.equal(resolveDateRange('last 3 days', ctx.now, ctx.timeZone)?.since, '2026-11-27T23:00:00.000Z');
  assert.equal(formatReceived(new Date('2026-11-26T10:00:00Z'), ctx.now, ctx.timeZone), 'Thu 11:00');
  assert.equal(formatReceived(new Date('2026-03-02T10:00:00Z'), ctx.now, ctx.timeZone), '2 Mar');
  assert.equal(formatReceived(new Date('2025-03-02T10:00:00Z'), ctx.now, ctx.timeZone), '2 Mar 2025');
});
