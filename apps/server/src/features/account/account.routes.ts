import { AccountExport, DeleteAccountBody } from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import { reenteredSecretLimits } from '../auth/auth.limits.ts';
import { deleteAccount, exportAccount } from './account.service.ts';

export function registerAccountRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/api/account/export',
      tag: 'Account',
      summary: "All of the user's data as JSON (no secrets)",
      responses: { 200: AccountExport },
    },
    async ({ auth, res }) => {
      res.set('Content-Disposition', 'attachment; filename="lifeos-export.json"');
      res.set('Cache-Control', 'no-store');
      return { status: 200, body: await exportAccount(ctx, auth) };
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/api/account',
      tag: 'Account',
      summary: 'Delete the user and everything of theirs (password re-entered)',
      body: DeleteAccountBody,
      before: reenteredSecretLimits(ctx, 'password'),
      responses: { 204: null },
      errors: [403, 429, 503],
    },
    async ({ auth, body }) => {
      await deleteAccount(ctx, auth, body.password);
      return { status: 204 };
    },
  );
}
