// Memory search with an embedding model (LLM_EMBEDDING_MODEL) against the scripted
// OpenAI-compatible server: memories are embedded in the background, the semantic
// ranking is fused with the lexical one, edits are embedded again, and a model that
// fails leaves the search to the words.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { MemoriesResponse } from '@lifeos/contract';
import { memoriesToEmbed, searchMemories } from '../src/features/memory/memory.repo.ts';
import { as, registerUser } from './helpers/http.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from './helpers/scripted-llm-server.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

// The scripted model knows three topics: music, travel papers, anything else.
const TOPICS: RegExp[] = [/\b(theorbo|lute|music|musical|song|melody)\b/i, /\b(passport|visa)\b/i];
function topicVector(text: string): number[] {
  const i = TOPICS.findIndex((re) => re.test(text));
  return [0, 1, 2].map((d) => (d === (i < 0 ? 2 : i) ? 1 : 0.05));
}

let llm: ScriptedLlmServer;
let server: TestServer;
let failing = false;
before(async () => {
  llm = await startScriptedLlmServer({
    embed: (text) => {
      if (failing) throw new Error('model unavailable');
      return topicVector(text);
    },
  });
  try {
    server = await startTestServer({
      env: { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'scripted-model', LLM_API_KEY: 'sk-scripted', LLM_EMBEDDING_MODEL: 'scripted-embed' },
    });
  } catch (err) {
    await llm.close();
    throw err;
  }
});
after(async () => {
  await server?.close();
  await llm.close();
});

async function newUser() {
  const user = await registerUser(server.url);
  return { user, api: as(server.url, user.accessToken) };
}

const search = async (api: ReturnType<typeof as>, q: string) =>
  MemoriesResponse.parse((await api.get(`/api/memories?q=${encodeURIComponent(q)}`)).body).memories.map((m) => m.content);

async function embedded(userId: string): Promise<{ content: string; model: string; vector: number[] }[]> {
  await server.ctx.memoryEmbedder!.idle();
  const r = await server.ctx.db.execute(sql`
    SELECT m.content, e.model, e.vector FROM memory_embeddings e JOIN memories m ON m.id = e.memory_id WHERE e.user_id = ${userId} ORDER BY m.content`);
  return (r as unknown as { rows: { content: string; model: string; vector: number[] }[] }).rows;
}

describe('memory search with an embedding model', () => {
  it('when memories are stored, then each is embedded in the background with the configured model', async () => {
    const { api, user } = await newUser();
    for (const content of ['I play the theorbo on Sundays', 'my passport is in the desk']) await api.post('/api/memories', { content });
    const rows = await embedded(user.user.id);
    assert.deepEqual(rows.map((r) => r.content), ['I play the theorbo on Sundays', 'my passport is in the desk']);
    assert.ok(rows.every((r) => r.model === 'scripted-embed' && r.vector.length === 3));
    const requests = llm.requests.filter((r) => r.path.endsWith('/embeddings'));
    assert.ok(requests.length > 0 && requests.every((r) => r.headers.authorization === 'Bearer sk-scripted'));
  });

  it('when no word of the question is in the memory, then the fused ranking still puts the memory that matches its meaning first', async () => {
    const { api, user } = await newUser();
    for (const content of ['I play the theorbo on Sundays', 'Sunday brunch with Tom at noon', 'the car needs new tyres', 'my passport is in the desk']) {
      await api.post('/api/memories', { content });
    }
    await embedded(user.user.id);
    const [first] = await search(api, 'what kind of melody do I make?');
    assert.equal(first, 'I play the theorbo on Sundays');
    // The words alone do not find it: the same question through the lexical search only.
    const byWords = await searchMemories(server.ctx.db, server.ctx.memoryIndex, { userId: user.user.id, query: 'what kind of melody do I make?', limit: 5 });
    assert.notEqual(byWords[0]?.content, 'I play the theorbo on Sundays');
  });

  it('when a memory is edited, then it is embedded again; another model would embed everything again', async () => {
    const { api, user } = await newUser();
    const created = (await api.post('/api/memories', { content: 'my passport is in the desk' })).body as { memory: { id: string } };
    assert.deepEqual((await embedded(user.user.id)).map((r) => r.vector[1]), [1]);
    await api.patch(`/api/memories/${created.memory.id}`, { content: 'I sold my theorbo' });
    const rows = await embedded(user.user.id);
    assert.deepEqual(rows.map((r) => [r.content, r.vector[0]]), [['I sold my theorbo', 1]]);
    const pending = await memoriesToEmbed(server.ctx.db, 'another-model', 1000);
    assert.ok(pending.some((m) => m.id === created.memory.id), 'a model change leaves every memory to embed again');
  });

  it('when the model fails, then search still answers by the words and nothing is lost', async () => {
    const { api, user } = await newUser();
    failing = true;
    try {
      await api.post('/api/memories', { content: 'the spare key is under the blue pot' });
      const started = Date.now();
      assert.deepEqual(await search(api, 'spare key'), ['the spare key is under the blue pot']);
      assert.ok(Date.now() - started < 5_000, 'the search does not wait for the model');
      assert.deepEqual(await embedded(user.user.id), []);
    } finally {
      failing = false;
    }
  });
});
