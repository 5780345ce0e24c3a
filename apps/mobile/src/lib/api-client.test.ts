import { createFakeApi, problem } from '../../test/fake-api';
import { memoryTokenStore, signedInClient } from '../../test/render';
import { ApiError, NetworkError, createApiClient } from './api-client';

describe('token refresh', () => {
  it('when the access token is refused, then it refreshes once and repeats the request with the new token', async () => {
    const fake = createFakeApi();
    const { api, tokenStore } = signedInClient(fake.fetch, { accessToken: 'stale', refreshToken: 'refresh-1' });

    const page = await api.request<{ messages: unknown[] }>('/messages');

    expect(page.messages).toEqual([]);
    expect(fake.state.refreshCalls).toBe(1);
    expect(fake.state.requests.map((r) => `${r.method} ${r.path} ${r.authorization ?? ''}`)).toEqual([
      'GET /api/messages Bearer stale',
      'POST /api/auth/refresh ',
      'GET /api/messages Bearer access-2',
    ]);
    expect(tokenStore.current).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' });
    expect(api.getStatus()).toBe('signedIn');
  });

  it('when several requests are refused at once, then they share one refresh (a rotated token is never presented twice)', async () => {
    const fake = createFakeApi();
    const { api } = signedInClient(fake.fetch, { accessToken: 'stale', refreshToken: 'refresh-1' });

    await Promise.all([api.request('/messages'), api.request('/messages'), api.request('/messages')]);

    expect(fake.state.refreshCalls).toBe(1);
    expect(api.getStatus()).toBe('signedIn');
  });

  it('when another tab already rotated the tokens, then it adopts them instead of refreshing', async () => {
    const fake = createFakeApi();
    const tokenStore = memoryTokenStore({ accessToken: 'stale', refreshToken: 'refresh-0', accessTokenExpiresAt: '2026-12-01T00:00:00.000Z' });
    const api = createApiClient({ baseUrl: 'http://lifeos.test/api', tokenStore, fetch: fake.fetch });
    await api.ready();
    // The other tab's refresh lands in the shared store after this tab read it.
    tokenStore.current = { accessToken: 'access-1', refreshToken: 'refresh-1', accessTokenExpiresAt: '2026-12-01T01:00:00.000Z' };

    await api.request('/messages');

    expect(fake.state.refreshCalls).toBe(0);
    expect(fake.state.requests.at(-1)?.authorization).toBe('Bearer access-1');
  });

  it('when the refresh token is refused too, then the session ends (signed out, tokens erased)', async () => {
    const fake = createFakeApi();
    const { api, tokenStore } = signedInClient(fake.fetch, { accessToken: 'stale', refreshToken: 'revoked' });

    await expect(api.request('/messages')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });

    expect(fake.state.refreshCalls).toBe(1);
    expect(api.getStatus()).toBe('signedOut');
    expect(tokenStore.current).toBeNull();
  });

  it('when the new token is refused as well, then it does not refresh again but signs out', async () => {
    const fake = createFakeApi();
    fake.state.overrides.set('GET /api/messages', () => problem(401, 'unauthorized', 'Revoked'));
    const { api } = signedInClient(fake.fetch, { accessToken: 'stale', refreshToken: 'refresh-1' });

    await expect(api.request('/messages')).rejects.toBeInstanceOf(ApiError);

    expect(fake.state.refreshCalls).toBe(1);
    expect(fake.state.requests.filter((r) => r.path === '/api/messages')).toHaveLength(2);
    expect(api.getStatus()).toBe('signedOut');
  });

  it('when the server cannot be reached during a refresh, then the session is kept for later', async () => {
    const fake = createFakeApi();
    const tokenStore = memoryTokenStore({ accessToken: 'stale', refreshToken: 'refresh-1', accessTokenExpiresAt: '2026-12-01T00:00:00.000Z' });
    // The refresh (second request) meets a dropped connection.
    let calls = 0;
    const flaky = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls += 1;
      if (calls === 2) throw new TypeError('Network request failed');
      return fake.fetch(input, init);
    }) as typeof fetch;
    const client = createApiClient({ baseUrl: 'http://lifeos.test/api', tokenStore, fetch: flaky });

    await expect(client.request('/messages')).rejects.toBeInstanceOf(NetworkError);

    expect(client.getStatus()).toBe('signedIn');
    expect(tokenStore.current?.refreshToken).toBe('refresh-1');
  });

  it("when a request fails, then the problem's detail and field errors reach the caller", async () => {
    const fake = createFakeApi();
    fake.state.overrides.set('POST /api/auth/register', () =>
      new Response(
        JSON.stringify({
          type: 'about:blank',
          title: 'Validation failed',
          status: 400,
          detail: 'The request is not valid',
          code: 'validation_failed',
          errors: [{ path: '/password', message: 'Too common' }],
        }),
        { status: 400, headers: { 'Content-Type': 'application/problem+json' } },
      ),
    );
    const api = createApiClient({ baseUrl: 'http://lifeos.test/api', tokenStore: memoryTokenStore(), fetch: fake.fetch });

    const error = await api.request('/auth/register', { method: 'POST', body: {}, auth: false }).catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 400, code: 'validation_failed', detail: 'The request is not valid' });
    expect((error as ApiError).fieldErrors).toEqual([{ path: '/password', message: 'Too common' }]);
  });
});
