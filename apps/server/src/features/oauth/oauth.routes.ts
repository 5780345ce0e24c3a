// The OAuth endpoints (OAuth wire format, not problem+json) and the app's
// consent and connected-clients routes (the usual route specs).
import cors from 'cors';
import express, { Router, type RequestHandler, type Response } from 'express';
import {
  IdParams,
  OAuthConsentRequestResponse,
  OAuthDecisionBody,
  OAuthDecisionResponse,
  OAuthGrantList,
} from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import { createLimiter, ipKey } from '../../http/rate-limit.ts';
import { publicBase } from '../mcp/mcp.routes.ts';
import { SCOPES } from '../mcp/mcp-tools.ts';
import * as oauth from './oauth.service.ts';

const tag = 'MCP authorization';

export function registerOAuthRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/api/oauth/requests/:id',
      tag,
      summary: 'An MCP client’s pending authorization request, for the consent screen',
      params: IdParams,
      responses: { 200: OAuthConsentRequestResponse },
      errors: [404],
    },
    async ({ auth, params }) => ({ status: 200, body: await oauth.describeRequest(ctx, auth, params.id) }),
  );
  api.route(
    {
      method: 'post',
      path: '/api/oauth/requests/:id',
      tag,
      summary: 'Approve or deny an authorization request; the answer is where to send the browser',
      params: IdParams,
      body: OAuthDecisionBody,
      responses: { 200: OAuthDecisionResponse },
      errors: [404, 409],
    },
    async ({ auth, params, body, req }) => ({
      status: 200,
      body: await oauth.decide(ctx, auth, params.id, body.approve, publicBase(ctx, req)),
    }),
  );
  api.route(
    {
      method: 'get',
      path: '/api/oauth/grants',
      tag,
      summary: 'MCP clients the user authorized',
      responses: { 200: OAuthGrantList },
    },
    async ({ auth }) => ({ status: 200, body: await oauth.listGrants(ctx, auth) }),
  );
  api.route(
    {
      method: 'delete',
      path: '/api/oauth/grants/:id',
      tag,
      summary: 'Disconnect an MCP client: its tokens stop working at once',
      params: IdParams,
      responses: { 204: null },
      errors: [404],
    },
    async ({ auth, params }) => {
      await oauth.revokeGrantOf(ctx, auth, params.id);
      return { status: 204 };
    },
  );
}

function oauthError(res: Response, err: unknown): void {
  if (err instanceof oauth.OAuthProtocolError) {
    res.status(err.status).set('Cache-Control', 'no-store').json({ error: err.code, error_description: err.message });
    return;
  }
  throw err;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The raw OAuth endpoints; mounted before the API router, each with its own body parser. */
export function oauthRouter(ctx: AppContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const registrations = createLimiter(ctx, 'oauth-register', {
    windowMs: 3_600_000,
    limit: ctx.config.rateLimits.register,
    keyGenerator: ipKey,
  });
  // An authorization request may make the server fetch a client's metadata document.
  const authorizeLimit = createLimiter(ctx, 'oauth-authorize', {
    windowMs: 60_000,
    limit: 60,
    keyGenerator: ipKey,
  });
  const tokenLimit = createLimiter(ctx, 'oauth-token', {
    windowMs: 60_000,
    limit: 60,
    keyGenerator: ipKey,
  });

  // Public endpoints without cookies: any origin may call them (browser-based MCP clients do).
  router.use(['/.well-known/oauth-authorization-server', '/oauth/register', '/oauth/token', '/oauth/revoke'], cors({ origin: true, maxAge: 600 }));

  // RFC 8414.
  const metadata: RequestHandler = (req, res) => {
    const base = publicBase(ctx, req);
    res.json({
      issuer: base,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      registration_endpoint: `${base}/oauth/register`,
      revocation_endpoint: `${base}/oauth/revoke`,
      scopes_supported: [...SCOPES],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
      service_documentation: `${base}/api/docs`,
    });
  };
  router.get('/.well-known/oauth-authorization-server', metadata);
  router.get('/.well-known/oauth-authorization-server/mcp', metadata);

  router.post('/oauth/register', registrations, async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as oauth.RegistrationInput;
      res.status(201).set('Cache-Control', 'no-store').json(await oauth.registerClient(ctx, body));
    } catch (err) {
      try {
        oauthError(res, err);
      } catch (other) {
        next(other);
      }
    }
  });

  router.get('/oauth/authorize', authorizeLimit, async (req, res, next) => {
    try {
      const base = publicBase(ctx, req);
      const query = Object.fromEntries(Object.entries(req.query).filter(([, v]) => typeof v === 'string')) as oauth.AuthorizeQuery;
      const result = await oauth.startAuthorization(ctx, query, `${base}/mcp`);
      if (result.kind === 'redirect') return res.redirect(302, result.url);
      if (result.kind === 'invalid') {
        // Nowhere safe to send the browser back to: say so here (in JSON to a client that asks for it).
        res.status(400).set('Cache-Control', 'no-store');
        if (req.accepts(['html', 'json']) === 'json') return res.json({ error: result.error, error_description: result.message });
        return res
          .type('html')
          .send(
            `<!doctype html><meta charset="utf-8"><title>LifeOS</title><h1>This sign-in link does not work</h1><p>${escapeHtml(result.message)}</p><p><small>${escapeHtml(result.error)}</small></p>`,
          );
      }
      res.redirect(302, `${base}/oauth/consent?request=${result.requestId}`);
    } catch (err) {
      next(err);
    }
  });

  router.post('/oauth/token', tokenLimit, form, async (req, res, next) => {
    try {
      res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache').json(await oauth.exchange(ctx, (req.body ?? {}) as oauth.TokenRequest));
    } catch (err) {
      try {
        oauthError(res, err);
      } catch (other) {
        next(other);
      }
    }
  });

  router.post('/oauth/revoke', tokenLimit, form, async (req, res, next) => {
    try {
      await oauth.revokeToken(ctx, typeof req.body?.token === 'string' ? req.body.token : undefined);
      res.status(200).end();
    } catch (err) {
      try {
        oauthError(res, err);
      } catch (other) {
        next(other);
      }
    }
  });
  return router;
}
