// The baseline: a bare node:http server that runs the same SQL as LifeOS for
// each benchmarked endpoint, with no framework, no authentication (the user
// id comes in a header), no validation, no logging and no rate limits. What
// LifeOS spends beyond this is the price of everything else.
//
//   node bench/baseline-server.ts --port 4001 (--url postgres://... | --data-dir DIR)
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { verify } from '@node-rs/argon2';
import { signAccessToken } from '../apps/server/src/features/auth/tokens.ts';
import { createHash, randomBytes } from 'node:crypto';

const { values: args } = parseArgs({
  options: { port: { type: 'string' }, url: { type: 'string' }, 'data-dir': { type: 'string' }, 'pool-size': { type: 'string' } },
});

type Query = (text: string, values?: unknown[]) => Promise<Record<string, any>[]>;
let query: Query;
let listen: (channel: string, onPayload: (payload: string) => void) => Promise<void>;

if (args.url) {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: args.url, max: Number(args['pool-size'] ?? 10) });
  query = async (text, values) => (await pool.query(text, values)).rows;
  listen = async (channel, onPayload) => {
    const client = await pool.connect();
    client.on('notification', (msg) => onPayload(msg.payload ?? ''));
    await client.query(`LISTEN ${channel}`);
  };
} else {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const db = await PGlite.create(args['data-dir']!, { extensions: { pg_trgm } });
  query = async (text, values) => (await db.query<Record<string, any>>(text, values)).rows;
  listen = async (channel, onPayload) => {
    await db.listen(channel, onPayload);
  };
}

const CHANNEL = 'bench_baseline_events';
const COLUMNS = 'id, user_id, content, role, agent_name, metadata, created_at, updated_at, client_id, seq';
const REPLY = "Hi! I'm LifeOS. Mention an agent and it takes care of it:\n- **@mail** — your mailbox\n- **@cal** — your calendar\n- **@mem** — your memory\nType **@** to pick one.";
const jwtSecret = randomBytes(32);

const toMessage = (r: Record<string, any>) => ({
  id: r.id,
  role: r.role,
  content: r.content,
  agentName: r.agent_name ?? null,
  metadata: r.metadata ?? null,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at ?? r.created_at).toISOString(),
});

const streams = new Map<string, Set<ServerResponse>>();
await listen(CHANNEL, (payload) => {
  const { u, d } = JSON.parse(payload) as { u: string; d: { id: string } };
  const chunk = `id: ${d.id}\nevent: message.created\ndata: ${JSON.stringify(d)}\n\n`;
  for (const res of streams.get(u) ?? []) res.write(chunk);
});

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

async function insertAndPublish(userId: string, role: string, content: string, metadata: unknown) {
  const [row] = await query(
    `insert into messages (user_id, content, role, agent_name, metadata, client_id, created_at, updated_at)
     values ($1, $2, $3, null, $4, null, clock_timestamp(), clock_timestamp()) returning ${COLUMNS}`,
    [userId, content, role, metadata === null ? null : JSON.stringify(metadata)],
  );
  const message = toMessage(row!);
  await query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify({ u: userId, t: 'message.created', d: { ...message, seq: row!.seq } })]);
  return message;
}

const server = createServer(async (req, res) => {
  try {
    const userId = String(req.headers['x-user-id'] ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/api/messages') {
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const rows = await query(`select ${COLUMNS} from messages where user_id = $1 order by seq desc limit $2`, [userId, limit + 1]);
      const page = rows.slice(0, limit);
      json(res, 200, {
        messages: page.map(toMessage),
        nextCursor: rows.length > limit ? Buffer.from(JSON.stringify({ s: Number(page.at(-1)!.seq) })).toString('base64url') : null,
      });
    } else if (req.method === 'POST' && url.pathname === '/api/messages') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const { content } = JSON.parse(body) as { content: string };
      const message = await insertAndPublish(userId, 'user', content, null);
      const reply = await insertAndPublish(userId, 'assistant', REPLY, { engine: 'builtin', replyTo: message.id });
      json(res, 201, { message, reply });
    } else if (req.method === 'GET' && url.pathname === '/api/messages/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('retry: 3000\n\n');
      let set = streams.get(userId);
      if (!set) streams.set(userId, (set = new Set()));
      set.add(res);
      req.on('close', () => set.delete(res));
    } else if (req.method === 'POST' && url.pathname === '/api/auth/login') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const { email, password } = JSON.parse(body) as { email: string; password: string };
      const [user] = await query('select * from users where email = $1 limit 1', [email.trim().toLowerCase()]);
      if (!user || !(await verify(user.password_hash, password))) return json(res, 401, { error: 'invalid' });
      const refresh = randomBytes(32).toString('base64url');
      const hash = createHash('sha256').update(refresh).digest('hex');
      const [session] = await query(
        `insert into sessions (user_id, token, device_name, expires_at) values ($1, $2, null, now() + interval '30 days') returning id`,
        [user.id, hash],
      );
      await query('insert into refresh_tokens (token_hash, session_id) values ($1, $2)', [hash, session!.id]);
      const access = await signAccessToken(jwtSecret, { userId: user.id, sessionId: session!.id }, new Date());
      json(res, 200, { user: { id: user.id, email: user.email }, accessToken: access.token, refreshToken: refresh });
    } else if (url.pathname === '/api/health') {
      await query('select 1');
      json(res, 200, { status: 'ok' });
    } else {
      json(res, 404, { error: 'not found' });
    }
  } catch (err) {
    console.error(err);
    if (!res.headersSent) json(res, 500, { error: 'internal' });
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(args.port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
