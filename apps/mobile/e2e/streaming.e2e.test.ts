// A reply written by a language model appears word by word (message.delta), then
// as the stored message. The model is a scripted OpenAI-compatible server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../server/test/helpers/scripted-llm-server.ts';
import { skipWithout } from '../../server/test/helpers/system-servers.ts';
import { launchBrowser, newAccount, register, replyWith, send, startServer, type RunningServer } from './helpers.ts';

const ANSWER = 'Good morning! Your day looks calm: nothing before noon, then lunch with Sam.';

describe('LifeOS in a browser, with a language model', { skip: await skipWithout('chromium') }, () => {
  let llm: ScriptedLlmServer;
  let server: RunningServer;
  before(async () => {
    llm = await startScriptedLlmServer({ whenExhausted: { type: 'text', text: ANSWER, chunkDelayMs: 250 } });
    server = await startServer({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'scripted-model', LLM_API_KEY: 'test-key' });
  });
  after(async () => {
    await server?.close();
    await llm?.close();
  });

  it('when the model writes a reply, then it streams into the chat and then stays as the stored message', async () => {
    const b = await launchBrowser();
    try {
      await register(b.page, server.url, newAccount());
      await send(b.page, 'how does my day look?');
      const streaming = b.page.getByTestId('message-streaming');
      await streaming.waitFor({ timeout: 20_000 });
      const partial = await streaming.innerText();
      assert.ok(partial.length > 0);
      await replyWith(b.page, ANSWER).waitFor({ timeout: 30_000 });
      await streaming.waitFor({ state: 'detached' });
      assert.equal(await replyWith(b.page, ANSWER).count(), 1);
      assert.ok(llm.chatRequests().some((r) => r.stream === true));
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });
});
