import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerFeatures } from '@lifeos/contract';
import { startTestServer } from './helpers/server.ts';

describe('GET /api/config', () => {
  it('when nothing optional is configured, then every feature reads false, without a token', async () => {
    const server = await startTestServer();
    try {
      const res = await fetch(`${server.url}/api/config`);
      assert.equal(res.status, 200);
      const body = ServerFeatures.parse(await res.json());
      assert.deepEqual(body.features, { google: false, languageModel: false, passwordReset: false });
    } finally {
      await server.close();
    }
  });

  it('when Google and a model are configured, then the app is told so, and no secret is in the answer', async () => {
    const server = await startTestServer({
      env: { GOOGLE_CLIENT_ID: 'client-id', GOOGLE_CLIENT_SECRET: 'very-secret-value', LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'm', LLM_API_KEY: 'sk-secret-key' },
    });
    try {
      const text = await (await fetch(`${server.url}/api/config`)).text();
      assert.deepEqual(ServerFeatures.parse(JSON.parse(text)).features, { google: true, languageModel: true, passwordReset: false });
      const withMail = await startTestServer({ env: { SMTP_URL: 'smtp+insecure://127.0.0.1:2525', MAIL_FROM: 'LifeOS <lifeos@example.test>' } });
      try {
        const features = ServerFeatures.parse(await (await fetch(`${withMail.url}/api/config`)).json()).features;
        assert.equal(features.passwordReset, true, 'outgoing mail configured: the app shows "Forgot password?"');
      } finally {
        await withMail.close();
      }
      assert.doesNotMatch(text, /very-secret-value|sk-secret-key|client-id/);
    } finally {
      await server.close();
    }
  });
});
