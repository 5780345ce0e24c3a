import { ActionResult, IdParams } from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import { cancelAction, confirmAction } from './actions.service.ts';

const tag = 'Actions';

export function registerActionRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'post',
      path: '/api/actions/:id/confirm',
      tag,
      summary: 'Run a pending action (once); the reply is the agent’s report',
      params: IdParams,
      responses: { 200: ActionResult },
      errors: [404, 409],
    },
    async ({ auth, params }) => ({ status: 200, body: { reply: await confirmAction(ctx, auth, params.id) } }),
  );
  api.route(
    {
      method: 'post',
      path: '/api/actions/:id/cancel',
      tag,
      summary: 'Discard a pending action',
      params: IdParams,
      responses: { 200: ActionResult },
      errors: [404, 409],
    },
    async ({ auth, params }) => ({ status: 200, body: { reply: await cancelAction(ctx, auth, params.id) } }),
  );
}
