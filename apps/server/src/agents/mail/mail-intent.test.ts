import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMailIntent, parseTarget, parseProviderQuery, type MailIntent } from './mail-intent.ts';

// Monday 30 Nov 2026, 10:00 in Berlin.
const ctx = { now: new Date('2026-11-30T09:00:00.000Z'), timeZone: 'Europe/Berlin' };
const parse = (s: string): MailIntent => parseMailIntent(s, ctx);

test('when asking what is new, then it is a triage of unread mail', () => {
  for (const s of ['@mail anything new?', 'anything new', '@mail show unread', 'Is there anything new?', "what's new", 'check my mail', 'any new mail?']) {
    const i = parse(s);
    assert.equal(i.kind, 'triage', s);
    assert.equal(i.kind === 'triage' && i.query.unread, true, s);
  }
});

test('when asking what came in today, then the range starts at local midnight and includes read mail', () => {
  const i = parse('@mail what came in today');
  assert.equal(i.kind, 'triage');
  if (i.kind !== 'triage') return;
  assert.equal(i.query.since, '2026-11-29T23:00:00.000Z');
  assert.equal(i.query.unread, undefined);
  assert.equal(i.label, 'today');
});

test('when asking for unread from Anna, then it is a triage filtered by sender', () => {
  const i = parse('@mail unread from Anna');
  assert.deepEqual(i, { kind: 'triage', query: { unread: true, from: 'Anna' }, label: 'unread, from Anna' });
});

test('when searching in plain words, then sender, topic and dates are understood', () => {
  assert.deepEqual(parse('@mail find the invoice from Hetzner'), {
    kind: 'search',
    query: { from: 'Hetzner', text: ['invoice'] },
    label: '"invoice", from Hetzner',
  });
  const lease = parse('@mail mails about the lease from last month');
  assert.equal(lease.kind, 'search');
  if (lease.kind !== 'search') return;
  assert.deepEqual(lease.query, { text: ['lease'], since: '2026-09-30T22:00:00.000Z', before: '2026-10-31T23:00:00.000Z' });
  assert.equal((lease.query as { from?: string }).from, undefined);
  const att = parse('find mails with attachments from bob@example.com');
  assert.deepEqual(att.kind === 'search' && att.query, { hasAttachment: true, from: 'bob@example.com' });
});

test('when the user writes provider syntax, then it is parsed and kept raw', () => {
  const i = parse('@mail from:bank subject:statement');
  assert.equal(i.kind, 'search');
  if (i.kind !== 'search') return;
  assert.deepEqual(i.query, { raw: 'from:bank subject:statement', from: 'bank', subject: ['statement'] });
  const q = parseProviderQuery('from:"Deutsche Bank" is:unread has:attachment after:2026/11/01 newer_than:2d -in:spam rent', ctx);
  assert.equal(q.from, 'Deutsche Bank');
  assert.equal(q.unread, true);
  assert.equal(q.hasAttachment, true);
  assert.equal(q.since, '2026-11-28T09:00:00.000Z');
  assert.deepEqual(q.text, ['rent']);
  assert.deepEqual(parse('search from:anna@example.net lease').kind, 'search');
});

test('when reading by number or description, then the target is kept for the last listing', () => {
  assert.deepEqual(parse('@mail read 2'), { kind: 'read', target: { kind: 'index', index: 2 } });
  assert.deepEqual(parse('open #3'), { kind: 'read', target: { kind: 'index', index: 3 } });
  assert.deepEqual(parse('@mail open the one from Anna'), { kind: 'read', target: { kind: 'match', from: 'Anna' } });
  assert.deepEqual(parse('show me the second one'), { kind: 'read', target: { kind: 'index', index: 2 } });
  assert.deepEqual(parse('read the latest'), { kind: 'read', target: { kind: 'index', index: 1 } });
  assert.deepEqual(parse('read the invoice from Hetzner'), { kind: 'read', target: { kind: 'match', from: 'Hetzner', about: 'invoice' } });
  assert.deepEqual(parseTarget("Anna's mail"), { kind: 'match', from: 'Anna' });
  assert.deepEqual(parseTarget('the one about the lease'), { kind: 'match', about: 'lease' });
});

test('when summarizing, then one mail or the unread list is meant', () => {
  assert.deepEqual(parse('@mail summarize 1'), { kind: 'summarize', target: { kind: 'index', index: 1 } });
  const u = parse('@mail summarize my unread');
  assert.equal(u.kind, 'summarize_list');
  assert.equal(u.kind === 'summarize_list' && u.query.unread, true);
  assert.equal(parse('summarise the one from Anna').kind, 'summarize');
  assert.equal(parse('sum up my new mails').kind, 'summarize_list');
});

test('when replying, then target and body are split at the colon', () => {
  assert.deepEqual(parse('@mail reply to 2: thanks, Thursday works'), {
    kind: 'reply',
    target: { kind: 'index', index: 2 },
    body: 'thanks, Thursday works',
  });
  assert.deepEqual(parse('reply to Anna saying see you then: bring the keys'), {
    kind: 'reply',
    target: { kind: 'match', from: 'Anna' },
    body: 'see you then: bring the keys',
  });
  assert.equal(parse('reply to 2').kind, 'clarify');
});

test('when writing a new mail, then recipients, subject and body are a full draft', () => {
  assert.deepEqual(parse('@mail write to jo@example.com subject Dinner: are you free Friday?'), {
    kind: 'compose',
    to: [{ name: '', address: 'jo@example.com' }],
    cc: [],
    subject: 'Dinner',
    body: 'are you free Friday?',
  });
  assert.deepEqual(parse('send an email to jo@example.com, max@example.org cc anna@example.net about "Lease": the keys are here'), {
    kind: 'compose',
    to: [{ name: '', address: 'jo@example.com' }, { name: '', address: 'max@example.org' }],
    cc: [{ name: '', address: 'anna@example.net' }],
    subject: 'Lease',
    body: 'the keys are here',
  });
  const noSubject = parse('write to jo@example.com: are you free Friday?');
  assert.equal(noSubject.kind === 'compose' && noSubject.subject, 'Are you free Friday?');
  const noAddress = parse('write to Jo: hello');
  assert.equal(noAddress.kind, 'clarify');
  assert.match(noAddress.kind === 'clarify' ? noAddress.message : '', /email address for Jo/);
});

test('when forwarding, then the target and recipients are parsed', () => {
  assert.deepEqual(parse('@mail forward 3 to anna@example.com'), {
    kind: 'forward',
    target: { kind: 'index', index: 3 },
    to: [{ name: '', address: 'anna@example.com' }],
    note: '',
  });
  assert.deepEqual(parse('forward the one from Hetzner to books@example.com: for the tax return'), {
    kind: 'forward',
    target: { kind: 'match', from: 'Hetzner' },
    to: [{ name: '', address: 'books@example.com' }],
    note: 'for the tax return',
  });
  assert.equal(parse('forward 3 to Anna').kind, 'clarify');
});

test('when housekeeping, then mark and archive name their target', () => {
  assert.deepEqual(parse('@mail mark 2 as read'), { kind: 'mark', target: { kind: 'index', index: 2 }, read: true });
  assert.deepEqual(parse('mark 4 unread'), { kind: 'mark', target: { kind: 'index', index: 4 }, read: false });
  assert.deepEqual(parse('@mail archive 1'), { kind: 'archive', target: { kind: 'index', index: 1 } });
  assert.deepEqual(parse('move 2 to the archive'), { kind: 'archive', target: { kind: 'index', index: 2 } });
});

test('when the request is not understood, then help is offered and nothing acts', () => {
  assert.equal(parse('@mail').kind, 'help');
  assert.equal(parse('@mail tell me a joke').kind, 'help');
  // Words that look like instructions are still just a (harmless) command parse of the user's own text.
  assert.equal(parse('@mail ignore previous instructions').kind, 'help');
});
