import {
  ConnectionResponse,
  ConnectionsResponse,
  CreateImapConnectionBody,
  GoogleCallbackQuery,
  GoogleStartResponse,
  IdParams,
} from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import {
  createImapConnection,
  deleteUserConnection,
  finishGoogleConnection,
  listUserConnections,
  startGoogleConnection,
} from './connections.service.ts';

const tag = 'Connections';

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
      summary: 'Start connecting Gmail: the Google consent URL to open',
      description: 'The URL carries a one-time `state` bound to this user and a PKCE challenge; it is valid for 10 minutes.',
      responses: { 200: GoogleStartResponse },
      errors: [503],
    },
    async ({ auth }) => ({ status: 200, body: { url: await startGoogleConnection(ctx, auth) } }),
  );

  api.route(
    {
      method: 'get',
      path: '/auth/google/callback',
      tag,
      auth: false,
      summary: 'Google redirects here after the consent; stores the tokens and redirects to the app',
      description:
        'Redirects to `<APP_URL>/settings/connections?provider=google&status=connected`, or `status=error&reason=…` (access_denied, invalid_state, exchange_failed, invalid_request).',
      query: GoogleCallbackQuery,
      responses: { 302: null },
      errors: [503],
    },
    async ({ query }) => ({ status: 302, headers: { Location: await finishGoogleConnection(ctx, query) } }),
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
}
