import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ActionResult, PendingAction } from '@lifeos/contract';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { created, openSse } from './helpers/sse.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ now: new Date('2026-11-29T09:00:00Z') });
});
after(() => server.close());

/** A user with one event and a proposal to delete it (deleting always asks first). */
async function proposal() {
  const user = await registerUser(server.url, { timezone: 'Europe/Berlin' });
  const api = as(server.url, user.accessToken);
  assert.equal((await api.post('/api/messages', { content: '@cal add dentist tomorrow at 9' })).status, 201);
  const { body } = await api.post('/api/messages', { content: '@cal delete the dentist' });
  const action = PendingAction.parse(body.reply.metadata.pendingAction);
  return { user, api, action, replyId: body.reply.id as string };
}

const events = async (api: ReturnType<typeof as>) =>
  (await api.get('/api/calendar/events?from=2026-11-29T00:00:00Z&to=2026-12-31T00:00:00Z')).body.events as { title: string }[];

describe('pending actions', () => {
  it('when an agent proposes a destructive action, then nothing happens until the user confirms', async () => {
    const { api, action } = await proposal();
    assert.ok(action.summary.length > 0);
    assert.equal(Date.parse(action.expiresAt), Date.parse('2026-11-29T09:15:00Z'), 'fifteen minutes by default');
    assert.equal((await events(api)).length, 1);
  });

  it('when confirmed, then it runs once, the report is a new message on every device, and a second confirm is 409', async () => {
    const { user, api, action, replyId } = await proposal();
    const stream = await openSse(server.url, user.accessToken);
    try {
      const res = await api.post(`/api/actions/${action.id}/confirm`);
      assert.equal(res.status, 200);
      const { reply } = ActionResult.parse(res.body);
      assert.equal(reply.agentName, '@cal');
      assert.equal((await events(api)).length, 0);
      await stream.waitFor((all) => created(all).some((e) => e.id === reply.id) && all.some((e) => e.event === 'message.updated'));
      const updated = stream.events.find((e) => e.event === 'message.updated')!;
      assert.equal(updated.data.id, replyId);
      assert.equal(updated.data.metadata.pendingAction.status, 'confirmed');

      const again = await api.post(`/api/actions/${action.id}/confirm`);
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'conflict');
      assert.equal((await api.post(`/api/actions/${action.id}/cancel`)).status, 409);
    } finally {
      stream.close();
    }
  });

  it('when five confirms arrive at once, then exactly one runs and the others are 409', async () => {
    const { api, action } = await proposal();
    const results = await Promise.all(Array.from({ length: 5 }, () => api.post(`/api/actions/${action.id}/confirm`)));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409, 409, 409]);
    const page = await api.get('/api/messages?limit=100');
    const reports = page.body.messages.filter((m: { metadata: { actionId?: string } | null }) => m.metadata?.actionId === action.id);
    assert.equal(reports.length, 1);
  });

  it('when cancelled, then nothing is done, the report says so, and confirming afterwards is 409', async () => {
    const { api, action } = await proposal();
    const res = await api.post(`/api/actions/${action.id}/cancel`);
    assert.equal(res.status, 200);
    assert.match(res.body.reply.content, /Cancel/i);
    assert.equal((await events(api)).length, 1);
    assert.equal((await api.post(`/api/actions/${action.id}/confirm`)).status, 409);
  });

  it('when another user confirms or cancels my action, then it is 404 and nothing happens', async () => {
    const { api, action } = await proposal();
    const mallory = await registerUser(server.url);
    for (const verb of ['confirm', 'cancel']) {
      const res = await as(server.url, mallory.accessToken).post(`/api/actions/${action.id}/${verb}`);
      assert.equal(res.status, 404);
      assert.equal(res.body.code, 'not_found');
    }
    assert.equal((await events(api)).length, 1);
    assert.equal((await as(server.url, mallory.accessToken).post('/api/actions/not-a-uuid/confirm')).status, 400);
  });

  it('when the action has expired, then confirming is 409 and nothing happens', async () => {
    const { user, api, action } = await proposal();
    server.clock.now = new Date(Date.parse(action.expiresAt) + 1_000);
    try {
      // The access token expired with the action; the session has not.
      const refreshed = await request(server.url, 'POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
      const res = await as(server.url, refreshed.body.accessToken).post(`/api/actions/${action.id}/confirm`);
      assert.equal(res.status, 409);
      assert.match(res.body.detail, /expired/);
    } finally {
      server.clock.now = new Date('2026-11-29T09:00:00Z');
    }
    assert.equal((await events(api)).length, 1);
  });
});
