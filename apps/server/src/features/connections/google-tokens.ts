// Google access tokens of the server (AppContext.googleTokens): one token manager,
// so concurrent requests for one connection (Gmail and Google Calendar alike)
// share one refresh. Made on first use, because it needs Google's OAuth settings.
import type { AppContext } from '../../context.ts';
import * as repo from './connections.repo.ts';
import { googleOAuthConfig } from './connections.service.ts';
import { GoogleTokenManager, type GoogleTokens as StoredTokens, type TokenStore } from './google-oauth.ts';
import { readSecret } from './mailboxes.ts';

export class GoogleTokens {
  readonly #ctx: () => AppContext;
  #manager: GoogleTokenManager | undefined;

  constructor(ctx: () => AppContext) {
    this.#ctx = ctx;
  }

  /** A valid access token of one of the user's Google connections; `force` refreshes it first. */
  getAccessToken(userId: string, connectionId: string, opts?: { force?: boolean }): Promise<string> {
    return this.#managerOf().getAccessToken(`${userId}/${connectionId}`, opts);
  }

  #managerOf(): GoogleTokenManager {
    if (this.#manager) return this.#manager;
    const ctx = this.#ctx();
    const key = (id: string) => {
      const [userId, connectionId] = id.split('/') as [string, string];
      return { userId, connectionId };
    };
    const store: TokenStore = {
      load: async (id) => {
        const { userId, connectionId } = key(id);
        return readSecret<StoredTokens>(ctx, userId, connectionId);
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
    this.#manager = new GoogleTokenManager(googleOAuthConfig(ctx), store);
    return this.#manager;
  }
}

/** A valid access token of a Google connection (shared single-flight refresh with Gmail), for Google Calendar. */
export function googleAccessToken(ctx: AppContext, userId: string, connectionId: string): Promise<string> {
  return ctx.googleTokens.getAccessToken(userId, connectionId);
}
