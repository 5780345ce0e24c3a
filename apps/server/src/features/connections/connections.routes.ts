import {
  CalDavConnectionResponse,
  ConnectionResponse,
  CreateCalDavConnectionBody,
  ConnectionsResponse,
  CreateImapConnectionBody,
  GoogleCallbackQuery,
  GoogleLaunchQuery,
  GoogleStartResponse,
  IdParams,
} from '@lifeos/contract';
import type { Request } from 'express';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import {
  browserBindingCookie,
  createImapConnection,
  deleteUserConnection,
  finishGoogleConnection,
  launchGoogleConnection,
  listUserConnections,
  startGoogleConnection,
} from './connections.service.ts';
import { connectCalDavAccount } from './caldav.service.ts';

const tag = 'Connections';

/** One cookie's value from the request, or undefined. */
function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

export function registerConnectionRoutes(api: Api, ctx: AppContext): void {
  api.route(
    { method: 'get', path: '/api/connections', tag, summary: 'The connected accounts (never a password or token)', responses: { 200: ConnectionsResponse } },
    async ({ auth }) => ({ status: 200, body: { connections: await listUserConnections(ctx, auth) } }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/connections/imap',
      tag,
      summary: 'Connect any IMAP/SMTP mailbox',
      description:
        'Logs in to IMAP and SMTP with the given settings before anything is stored. A failed login is a 400 `connection_failed` whose detail is the server’s reason. The password is stored encrypted and never returned.',
      body: CreateImapConnectionBody,
      responses: { 201: ConnectionResponse },
      errors: [400],
    },
    async ({ auth, body }) => ({ status: 201, body: { connection: await createImapConnection(ctx, auth, body) } }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/connections/google/start',
      tag,
      summary: 'Start connecting Google (Gmail and Calendar): the URL to open in the browser',
      description:
        'The URL is this server’s `/auth/google/start` with a one-time `state` bound to this user (and a PKCE challenge kept on the server). Open it within 2 minutes in the browser that should finish the consent: it binds the consent to that browser and goes on to Google. The whole consent is valid for 10 minutes.',
      responses: { 200: GoogleStartResponse },
      errors: [503],
    },
    async ({ auth }) => ({ status: 200, body: { url: await startGoogleConnection(ctx, auth) } }),
  );

  api.route(
    {
      method: 'get',
      path: '/auth/google/start',
      tag,
      auth: false,
      summary: 'The browser opens the consent here: it binds the consent to this browser and redirects to Google',
      description:
        'The first browser to open a fresh `state` gets an HttpOnly, SameSite=Lax cookie with a random nonce (Secure in production); the callback stores tokens only for the browser holding it. An unknown, expired or already opened `state` redirects to the app with `status=error&reason=invalid_state`.',
      query: GoogleLaunchQuery,
      responses: { 302: null },
      errors: [503],
    },
    async ({ query, res }) => {
      const { location, nonce } = await launchGoogleConnection(ctx, query);
      if (nonce) {
        const cookie = browserBindingCookie(ctx);
        res.cookie(cookie.name, nonce, cookie.options);
      }
      return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/auth/google/callback',
      tag,
      auth: false,
      summary: 'Google redirects here after the consent; stores the tokens and redirects to the app',
      description:
        'Stores the tokens only when the browser holds the cookie `/auth/google/start` gave it for this `state`. Redirects to `<APP_URL>/settings/connections?provider=google&status=connected`, or `status=error&reason=…` (access_denied, provider_error, invalid_request, invalid_state, browser_mismatch: finished in another browser than the one that opened the consent, exchange_failed); nothing is stored on an error.',
      query: GoogleCallbackQuery,
      responses: { 302: null },
      errors: [503],
    },
    async ({ query, req, res }) => {
      const cookie = browserBindingCookie(ctx);
      const location = await finishGoogleConnection(ctx, query, readCookie(req, cookie.name));
      res.clearCookie(cookie.name, { ...cookie.options, maxAge: undefined });
      return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } };
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/api/connections/:id',
      tag,
      summary: 'Disconnect an account; its credentials are erased',
      params: IdParams,
      responses: { 204: null },
      errors: [404],
    },
    async ({ auth, params }) => {
      await deleteUserConnection(ctx, auth, params.id);
      return { status: 204 };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/connections/caldav',
      tag,
      summary: 'Connect a CalDAV account (Fastmail, iCloud, Nextcloud, Radicale) after a real login',
      body: CreateCalDavConnectionBody,
      responses: { 201: CalDavConnectionResponse },
    },
    async ({ auth, body }) => {
      return { status: 201, body: { connection: await connectCalDavAccount(ctx, { id: auth.userId, timezone: auth.user.timezone }, body) } };
    },
  );
}
