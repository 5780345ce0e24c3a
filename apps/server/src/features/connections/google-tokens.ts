// The Google token manager of the server: one per server, so concurrent requests
// for one connection (Gmail and Google Calendar alike) share one refresh.
import type { AppContext } from '../../context.ts';
import * as repo from './connections.repo.ts';
import { googleOAuthConfig } from './connections.service.ts';
import { GoogleTokenManager, type GoogleTokens, type TokenStore } from './google-oauth.ts';
import { readSecret } from './mailboxes.ts';

const managers = new WeakMap<AppContext, GoogleTokenManager>();

export function googleTokenManager(ctx: AppContext): GoogleTokenManager {
  let m = managers.get(ctx);
  if (!m) {
    const key = (id: string) => {
      const [userId, connectionId] = id.split('/') as [string, string];
      return { userId, connectionId };
    };
    const store: TokenStore = {
      load: async (id) => {
        const { userId, connectionId } = key(id);
        return readSecret<GoogleTokens>(ctx, userId, connectionId);
      },
      save: async (id, tokens) => {
        const { userId, connectionId } = key(id);
        await repo.updateConnectionSecret(ctx.db, ctx.secrets, userId, connectionId, 'google', tokens);
      },
      markError: async (id, message) => {
        const { userId, connectionId } = key(id);
        await repo.setConnectionStatus(ctx.db, userId, connectionId, 'error', message);
      },
    };
    m = new GoogleTokenManager(googleOAuthConfig(ctx), store);
    managers.set(ctx, m);
  }
  return m;
}

/** A valid access token of a Google connection (shared single-flight refresh with Gmail), for Google Calendar. */
export function googleAccessToken(ctx: AppContext, userId: string, connectionId: string): Promise<string> {
  return googleTokenManager(ctx).getAccessToken(`${userId}/${connectionId}`);
}
