import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scopeForRoute } from './auth.ts';

describe('scopeForRoute', () => {
  it('when a personal access token asks for a route, then the table names the scope, and anything unlisted is closed to tokens', () => {
    const cases: [string, string, string | undefined][] = [
      ['GET', '/api/auth/me', 'any'],
      ['PATCH', '/api/auth/me', undefined],
      ['GET', '/api/messages', 'chat'],
      ['POST', '/api/messages', 'chat'],
      ['GET', '/api/messages/stream', 'chat'],
      ['POST', '/api/agents/:name/chat', 'chat'],
      ['POST', '/api/actions/:id/confirm', 'chat'],
      ['GET', '/api/calendar/events', 'cal.read'],
      ['PATCH', '/api/calendar/events/:id', 'cal.write'],
      ['GET', '/api/calendar/feed-url', undefined],
      ['GET', '/api/reminders', 'cal.read'],
      ['DELETE', '/api/reminders/:id', 'cal.write'],
      ['GET', '/api/memories', 'mem.read'],
      ['POST', '/api/memories', 'mem.write'],
      ['GET', '/api/connections', 'mail.read'],
      ['POST', '/api/connections/imap', undefined],
      ['DELETE', '/api/connections/:id', undefined],
      ['POST', '/mcp', 'any'],
      ['GET', '/api/auth/tokens', undefined],
      ['GET', '/api/auth/sessions', undefined],
      ['POST', '/api/auth/mfa/totp', undefined],
      ['GET', '/api/auth/mfa', undefined],
      ['GET', '/api/auth/passkeys', undefined],
      ['GET', '/api/account/export', undefined],
      ['DELETE', '/api/account', undefined],
      ['POST', '/api/push/subscriptions', undefined],
      ['GET', '/api/messagesX', undefined],
    ];
    for (const [method, path, scope] of cases) assert.equal(scopeForRoute(method, path), scope, `${method} ${path}`);
  });
});
