import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';

/**
 * A local server that speaks the few Gmail API v1 endpoints @mail uses, with the
 * documented request and response shapes:
 *   GET  /gmail/v1/users/me/profile
 *   GET  /gmail/v1/users/me/messages?q&maxResults&labelIds&pageToken
 *   GET  /gmail/v1/users/me/messages/{id}?format=full|raw|metadata|minimal
 *   POST /gmail/v1/users/me/messages/send            { raw, threadId? }
 *   POST /gmail/v1/users/me/messages/{id}/modify     { addLabelIds, removeLabelIds }
 * Errors use Google's JSON error envelope. Access tokens are checked by the caller's verifier.
 */

export interface StoredGmailMessage {
  id: string;
  threadId: string;
  labelIds: Set<string>;
  raw: Buffer;
  internalDate: number;
  parsed: ParsedMail;
}

export interface FakeGmail {
  rootUrl: string;
  messages: StoredGmailMessage[];
  /** Every API request: method, path with query, and the bearer token it carried. */
  requests: { method: string; url: string; token: string | null }[];
  insert(raw: Buffer | string, opts?: { labelIds?: string[]; internalDate?: Date; threadId?: string }): Promise<StoredGmailMessage>;
  stop(): Promise<void>;
}

const hexId = () => randomBytes(8).toString('hex');

function gmailError(res: http.ServerResponse, code: number, status: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify({ error: { code, message, errors: [{ message, domain: 'global', reason: status.toLowerCase() }], status } }));
}

function json(res: http.ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function headerList(parsed: ParsedMail): { name: string; value: string }[] {
  return parsed.headerLines.map((h) => {
    const idx = h.line.indexOf(':');
    const name = h.line.slice(0, idx).trim();
    const value = h.line.slice(idx + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    return { name, value: decodeWords(value) };
  });
}

/** RFC 2047 encoded words in header values, decoded as Gmail shows them. */
function decodeWords(v: string): string {
  return v.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, text: string) => {
    if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    return Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  });
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** The MessagePart tree: multipart/mixed > multipart/alternative > text parts, then attachments. */
function payloadOf(m: StoredGmailMessage): Record<string, unknown> {
  const p = m.parsed;
  const textPart = (mime: string, content: string, partId: string) => ({
    partId,
    mimeType: mime,
    filename: '',
    headers: [{ name: 'Content-Type', value: `${mime}; charset="UTF-8"` }],
    body: { size: Buffer.byteLength(content), data: b64url(content) },
  });
  const alternatives: Record<string, unknown>[] = [];
  if (p.text) alternatives.push(textPart('text/plain', p.text, ''));
  if (typeof p.html === 'string') alternatives.push(textPart('text/html', p.html, ''));
  const attachments = p.attachments.map((a, i) => ({
    partId: '',
    mimeType: a.contentType,
    filename: a.filename ?? '',
    headers: [
      { name: 'Content-Type', value: `${a.contentType}; name="${a.filename ?? ''}"` },
      { name: 'Content-Disposition', value: `attachment; filename="${a.filename ?? ''}"` },
    ],
    body: { attachmentId: `ANGjdJ${m.id}${i}`, size: a.size },
  }));
  const headers = headerList(p);
  const number = (parts: Record<string, unknown>[], prefix: string) =>
    parts.map((part, i) => ({ ...part, partId: prefix ? `${prefix}.${i}` : String(i) }));
  if (attachments.length === 0 && alternatives.length === 1) return { ...alternatives[0], partId: '', headers };
  const alt = { partId: '0', mimeType: 'multipart/alternative', filename: '', headers: [], body: { size: 0 }, parts: number(alternatives, '0') };
  if (attachments.length === 0) return { ...alt, partId: '', headers, parts: number(alternatives, '') };
  return {
    partId: '',
    mimeType: 'multipart/mixed',
    filename: '',
    headers,
    body: { size: 0 },
    parts: [alt, ...number(attachments, '').map((a, i) => ({ ...a, partId: String(i + 1) }))],
  };
}

function snippetOf(p: ParsedMail): string {
  const text = p.text ?? (typeof p.html === 'string' ? p.html.replace(/<[^>]+>/g, ' ') : '');
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function messageResource(m: StoredGmailMessage, format: string): Record<string, unknown> {
  const base = {
    id: m.id,
    threadId: m.threadId,
    labelIds: [...m.labelIds],
    snippet: snippetOf(m.parsed),
    sizeEstimate: m.raw.length,
    historyId: '1000',
    internalDate: String(m.internalDate),
  };
  if (format === 'minimal') return base;
  if (format === 'raw') return { ...base, raw: m.raw.toString('base64url') };
  if (format === 'metadata') return { ...base, payload: { partId: '', mimeType: m.parsed.attachments.length ? 'multipart/mixed' : 'text/plain', filename: '', headers: headerList(m.parsed), body: { size: 0 } } };
  return { ...base, payload: payloadOf(m) };
}

/** Gmail search over the stored messages: the operators @mail uses and free words. */
function matches(m: StoredGmailMessage, q: string): boolean {
  const tokens = q.match(/-?[A-Za-z_]+:"[^"]*"|-?[A-Za-z_]+:\S+|-?"[^"]*"|\S+/g) ?? [];
  const p = m.parsed;
  const fromText = (p.from?.text ?? '').toLowerCase();
  const toText = [p.to].flat().map((a) => a?.text ?? '').join(' ').toLowerCase();
  const subject = (p.subject ?? '').toLowerCase();
  const all = `${fromText} ${toText} ${subject} ${(p.text ?? '').toLowerCase()} ${typeof p.html === 'string' ? p.html.toLowerCase() : ''}`;
  const dayOrEpoch = (v: string) => (/^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v.replace(/\//g, '-')));
  for (const tok of tokens) {
    const neg = tok.startsWith('-');
    const t = neg ? tok.slice(1) : tok;
    const kv = /^([A-Za-z_]+):(.*)$/.exec(t);
    let ok: boolean;
    if (kv) {
      const key = kv[1]!.toLowerCase();
      const val = kv[2]!.replace(/^"|"$/g, '').toLowerCase();
      switch (key) {
        case 'from': ok = fromText.includes(val); break;
        case 'to': ok = toText.includes(val); break;
        case 'subject': ok = subject.includes(val); break;
        case 'is': ok = val === 'unread' ? m.labelIds.has('UNREAD') : val === 'read' ? !m.labelIds.has('UNREAD') : val === 'starred' ? m.labelIds.has('STARRED') : false; break;
        case 'has': ok = val.startsWith('attachment') ? p.attachments.length > 0 : false; break;
        case 'in':
        case 'label': ok = m.labelIds.has(val.toUpperCase()) || m.labelIds.has(val); break;
        case 'after': ok = m.internalDate >= dayOrEpoch(val); break;
        case 'before': ok = m.internalDate < dayOrEpoch(val); break;
        case 'newer_than':
        case 'older_than': {
          const mm = /^(\d+)([dmy])$/.exec(val);
          const ms = mm ? Number(mm[1]) * { d: 86_400_000, m: 30 * 86_400_000, y: 365 * 86_400_000 }[mm[2] as 'd' | 'm' | 'y'] : 0;
          ok = key === 'newer_than' ? m.internalDate >= Date.now() - ms : m.internalDate < Date.now() - ms;
          break;
        }
        default: ok = all.includes(t.toLowerCase());
      }
    } else {
      ok = all.includes(t.replace(/^"|"$/g, '').toLowerCase());
    }
    if (neg ? ok : !ok) return false;
  }
  return true;
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

export async function startFakeGmail(opts: { account: string; verifyToken: (token: string) => Promise<boolean> }): Promise<FakeGmail> {
  const messages: StoredGmailMessage[] = [];
  const requests: FakeGmail['requests'] = [];

  const insert: FakeGmail['insert'] = async (raw, o = {}) => {
    const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    const parsed = await simpleParser(buf);
    const m: StoredGmailMessage = {
      id: hexId(),
      threadId: o.threadId ?? hexId(),
      labelIds: new Set(o.labelIds ?? ['INBOX', 'UNREAD']),
      raw: buf,
      internalDate: (o.internalDate ?? new Date()).getTime(),
      parsed,
    };
    messages.push(m);
    return m;
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(auth)?.[1] ?? null;
    requests.push({ method: req.method ?? '', url: url.pathname + url.search, token });
    try {
      if (!token || !(await opts.verifyToken(token))) {
        return gmailError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
      }
      const m = /^\/gmail\/v1\/users\/([^/]+)(\/.*)$/.exec(url.pathname);
      if (!m || (m[1] !== 'me' && m[1] !== opts.account)) return gmailError(res, 404, 'NOT_FOUND', 'Not Found');
      const path = m[2]!;
      if (req.method === 'GET' && path === '/profile') {
        return json(res, { emailAddress: opts.account, messagesTotal: messages.length, threadsTotal: new Set(messages.map((x) => x.threadId)).size, historyId: '1000' });
      }
      if (req.method === 'GET' && path === '/messages') {
        const q = url.searchParams.get('q') ?? '';
        const labelIds = url.searchParams.getAll('labelIds');
        const max = Math.min(Number(url.searchParams.get('maxResults') ?? 100), 500);
        const start = Number(url.searchParams.get('pageToken') ?? 0);
        const hits = messages
          // Like Gmail, search skips spam and trash unless asked.
          .filter((x) => !x.labelIds.has('SPAM') && !x.labelIds.has('TRASH'))
          .filter((x) => labelIds.every((l) => x.labelIds.has(l)))
          .filter((x) => matches(x, q))
          .sort((a, b) => b.internalDate - a.internalDate);
        const page = hits.slice(start, start + max);
        const body: Record<string, unknown> = { resultSizeEstimate: hits.length };
        // Gmail leaves out `messages` entirely when nothing matches.
        if (page.length > 0) body.messages = page.map((x) => ({ id: x.id, threadId: x.threadId }));
        if (start + max < hits.length) body.nextPageToken = String(start + max);
        return json(res, body);
      }
      const one = /^\/messages\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && one && one[1] !== 'send') {
        const msg = messages.find((x) => x.id === one[1]);
        if (!msg) return gmailError(res, 404, 'NOT_FOUND', 'Requested entity was not found.');
        const format = url.searchParams.get('format') ?? 'full';
        if (!['full', 'raw', 'metadata', 'minimal'].includes(format)) return gmailError(res, 400, 'INVALID_ARGUMENT', `Invalid value at 'format' (${format})`);
        return json(res, messageResource(msg, format));
      }
      if (req.method === 'POST' && path === '/messages/send') {
        const body = (await readBody(req)) as { raw?: string; threadId?: string };
        if (!body.raw) return gmailError(res, 400, 'INVALID_ARGUMENT', "Invalid value for ByteString: ''");
        const raw = Buffer.from(body.raw, 'base64url');
        const parsed = await simpleParser(raw);
        if (!parsed.to) return gmailError(res, 400, 'INVALID_ARGUMENT', 'Invalid To header');
        const sent = await insert(raw, { labelIds: ['SENT'], threadId: body.threadId });
        return json(res, { id: sent.id, threadId: sent.threadId, labelIds: ['SENT'] });
      }
      const modify = /^\/messages\/([^/]+)\/modify$/.exec(path);
      if (req.method === 'POST' && modify) {
        const msg = messages.find((x) => x.id === modify[1]);
        if (!msg) return gmailError(res, 404, 'NOT_FOUND', 'Requested entity was not found.');
        const body = (await readBody(req)) as { addLabelIds?: string[]; removeLabelIds?: string[] };
        for (const l of body.addLabelIds ?? []) msg.labelIds.add(l);
        for (const l of body.removeLabelIds ?? []) msg.labelIds.delete(l);
        return json(res, { id: msg.id, threadId: msg.threadId, labelIds: [...msg.labelIds] });
      }
      return gmailError(res, 404, 'NOT_FOUND', 'Not Found');
    } catch (err) {
      return gmailError(res, 500, 'INTERNAL', (err as Error).message);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address() as { port: number };
  return {
    rootUrl: `http://127.0.0.1:${addr.port}/`,
    messages,
    requests,
    insert,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
