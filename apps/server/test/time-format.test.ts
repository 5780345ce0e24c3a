// The agents write times the way the user reads them: User.settings.timeFormat,
// "24h" or "12h", set at registration and changed with PATCH /api/auth/me.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { as, registerUser, request, uniqueEmail, PASSWORD } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

for (const timezone of ['Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata']) {
  describe(`replies in the user's clock, in ${timezone}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ now: new Date('2026-12-01T06:00:00Z') });
    });
    after(() => server?.close());

    it('when the user chose the 12-hour clock, then @cal writes "3:30 pm"; after switching to 24 hours, "15:30"', async () => {
      const res = await request(server.url, 'POST', '/api/auth/register', {
        body: { email: uniqueEmail('clock'), password: PASSWORD, timezone, settings: { timeFormat: '12h' } },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.user.settings.timeFormat, '12h');
      const api = as(server.url, res.body.accessToken);
      const added = (await api.post('/api/messages', { content: 'add dentist on Thursday at 15:30' })).body.reply.content as string;
      assert.match(added, /3:30 pm/, added);
      assert.doesNotMatch(added, /15:30/, added);
      const agenda = (await api.post('/api/messages', { content: "what's on Thursday?" })).body.reply.content as string;
      assert.match(agenda, /3:30 pm/, agenda);

      assert.equal((await api.patch('/api/auth/me', { settings: { timeFormat: '24h' } })).status, 200);
      const again = (await api.post('/api/messages', { content: "what's on Thursday?" })).body.reply.content as string;
      assert.match(again, /15:30/, again);
      assert.doesNotMatch(again, /pm/, again);
    });

    it('when the client sends no choice, then the locale of the request decides', async () => {
      const us = await request(server.url, 'POST', '/api/auth/register', {
        body: { email: uniqueEmail('us'), password: PASSWORD, timezone },
        headers: { 'accept-language': 'en-US,en;q=0.8' },
      });
      assert.equal(us.body.user.settings.timeFormat, '12h');
      const de = await registerUser(server.url, { timezone });
      assert.equal(de.user.settings.timeFormat, '24h');
    });
  });
}
