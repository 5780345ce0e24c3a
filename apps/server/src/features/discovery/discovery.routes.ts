import { ServerFeatures } from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';

export function registerDiscoveryRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/api/config',
      tag: 'Health',
      summary: 'What this server offers (Google sign-in for connections, a language model, password reset by mail)',
      description: 'No sign-in needed and nothing secret: clients use it to show only what works here.',
      auth: false,
      responses: { 200: ServerFeatures },
    },
    () => ({
      status: 200,
      headers: { 'Cache-Control': 'no-cache' },
      body: {
        features: {
          google: Boolean(ctx.config.google.clientId && ctx.config.google.clientSecret),
          languageModel: ctx.config.llm !== undefined,
          // POST /api/auth/password/forgot sends mail; without SMTP_URL it answers 503.
          passwordReset: ctx.config.mail !== undefined,
        },
      },
    }),
  );
}
