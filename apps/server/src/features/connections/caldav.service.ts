// Connecting a CalDAV account (Fastmail, iCloud, Nextcloud, Radicale): a real
// login before anything is stored; the calendar feature then keeps its events.
import type { CalDavConnection, CreateCalDavConnectionBody } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import { DomainError } from '../../lib/errors.ts';
import { logEvent } from '../../lib/events.ts';
import { disallowedHostReason } from '../../lib/host-policy.ts';
import { CalDavError, connectCalDav, type CalDavClient } from '../../integrations/caldav/caldav.client.ts';
import { CALDAV, syncConnection, type CalDavSecret, type CalDavSettings, type CalendarUser } from '../calendar/external-calendars.ts';
import * as connectionsRepo from './connections.repo.ts';

/** In production a CalDAV URL must point at public addresses, so users cannot make the server probe its own network. */
const cannotConnect = (reason: string) => new DomainError({ code: 'connection_failed', category: 'USER', userMessage: `Cannot connect: ${reason}` });

async function assertPublicHost(ctx: AppContext, url: URL): Promise<void> {
  const reason = await disallowedHostReason(url.hostname, ctx.config.allowPrivateHosts);
  if (reason) throw cannotConnect(reason);
}

function toDto(row: connectionsRepo.ConnectionRow): CalDavConnection {
  const settings = row.settings as CalDavSettings;
  return {
    id: row.id,
    provider: 'caldav',
    account: row.account,
    status: row.status === 'error' ? 'error' : 'ok',
    statusDetail: row.status === 'error' ? (row.statusDetail ?? 'The calendar stopped answering; connect it again') : null,
    createdAt: row.createdAt.toISOString(),
    calendars: (settings.calendars ?? []).map((c) => ({ name: c.name, url: c.url })),
  };
}

/** Logs in for real, stores the account (password sealed) and copies its events. */
export async function connectCalDavAccount(ctx: AppContext, user: CalendarUser, body: CreateCalDavConnectionBody): Promise<CalDavConnection> {
  const url = new URL(body.url);
  await assertPublicHost(ctx, url);
  let client: CalDavClient;
  let calendars: Awaited<ReturnType<CalDavClient['listCalendars']>>;
  try {
    client = await connectCalDav({ url: body.url, username: body.username, password: body.password }, { timeZone: user.timezone, hosts: { allowPrivate: ctx.config.allowPrivateHosts } });
    calendars = await client.listCalendars();
  } catch (err) {
    if (err instanceof CalDavError) throw cannotConnect(err.message);
    throw err;
  }
  const settings: CalDavSettings = {
    url: body.url,
    username: body.username,
    calendars: calendars.map((c) => ({ url: c.url, name: c.displayName })),
  };
  const row = await connectionsRepo.upsertConnection(ctx.db, ctx.secrets, {
    userId: user.id,
    provider: CALDAV,
    account: `${body.username} @ ${url.host}`,
    settings,
    secret: { password: body.password } satisfies CalDavSecret,
  });
  logEvent(ctx, 'calendar.connected', { userId: user.id, calendars: calendars.length });
  await syncConnection(ctx, user, row, client);
  return toDto(row);
}

