import { HealthResponse } from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';

export function registerHealthRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/api/health',
      tag: 'Health',
      summary: 'Liveness with a real database round trip',
      auth: false,
      responses: { 200: HealthResponse, 503: HealthResponse },
    },
    async ({ res }) => {
      res.set('Cache-Control', 'no-store');
      const database = await ctx.database.ping().then(
        () => 'ok' as const,
        () => 'unreachable' as const,
      );
      const body = {
        status: database === 'ok' ? ('ok' as const) : ('degraded' as const),
        database,
        version: ctx.config.version,
        uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
      };
      return { status: database === 'ok' ? 200 : 503, body };
    },
  );
}
