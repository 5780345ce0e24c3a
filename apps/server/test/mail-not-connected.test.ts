import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { as, registerUser } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

describe('@mail without a mailbox', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('when @mail is asked before a mailbox is connected, then the reply gives the steps in the app and no API paths', async () => {
    const user = await registerUser(server.url);
    const { body } = await as(server.url, user.accessToken).post('/api/messages', { content: '@mail anything new?' });
    assert.match(body.reply.content, /not connected to a mailbox yet/);
    assert.match(body.reply.content, /Settings → Connections/);
    assert.doesNotMatch(body.reply.content, /\/api\/|POST |GET |imapHost/);
  });
});
