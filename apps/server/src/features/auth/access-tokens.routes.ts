import { AccessTokensResponse, CreateAccessTokenBody, CreatedAccessTokenResponse, IdParams } from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import * as tokens from './access-tokens.service.ts';

const tag = 'Auth';

export function registerAccessTokenRoutes(api: Api, ctx: AppContext): void {
  api.route(
    { method: 'get', path: '/api/auth/tokens', tag, summary: 'Personal access tokens (never their secrets)', responses: { 200: AccessTokensResponse }, errors: [403] },
    async ({ auth }) => ({ status: 200, body: { tokens: await tokens.listAccessTokens(ctx, auth) } }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/tokens',
      tag,
      summary: 'Create a personal access token for a script or an MCP client',
      description:
        'The secret (`lifeos_pat_…`) is in `token`, shown this once; send it as `Authorization: Bearer <token>`. ' +
        'It may use only the routes its scopes cover: `chat` (messages, agents, actions), `cal.read`/`cal.write` (calendar, reminders), ' +
        '`mem.read`/`mem.write` (memories), `mail.read` (list connections), `mail.send` (MCP mail tools). It can never manage tokens, sessions, two-factor, the password or the account (403).',
      body: CreateAccessTokenBody,
      responses: { 201: CreatedAccessTokenResponse },
      errors: [403],
    },
    async ({ auth, body }) => ({ status: 201, body: await tokens.createAccessToken(ctx, auth, body) }),
  );

  api.route(
    { method: 'delete', path: '/api/auth/tokens/:id', tag, summary: 'Revoke a personal access token', params: IdParams, responses: { 204: null }, errors: [403, 404] },
    async ({ auth, params }) => {
      await tokens.revokeAccessToken(ctx, auth, params.id);
      return { status: 204 };
    },
  );
}
