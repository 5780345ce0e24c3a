import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { ConfigError, DEFAULT_OPENAI_MODEL, loadConfig, OPENAI_BASE_URL } from '../../config.ts';

const base = {
  NODE_ENV: 'test',
  JWT_SECRET: randomBytes(32).toString('hex'),
  ENCRYPTION_KEY: randomBytes(32).toString('hex'),
};

describe('language model configuration', () => {
  test('when nothing is set, then no model is configured', () => {
    assert.equal(loadConfig(base).llm, undefined);
  });

  test('when only OPENAI_API_KEY is set, then OpenAI is used with the default model', () => {
    assert.deepEqual(loadConfig({ ...base, OPENAI_API_KEY: 'sk-o' }).llm, {
      baseUrl: OPENAI_BASE_URL,
      apiKey: 'sk-o',
      model: DEFAULT_OPENAI_MODEL,
    });
  });

  test('when LLM_BASE_URL and LLM_MODEL are set without a key, then that server is used without one', () => {
    assert.deepEqual(loadConfig({ ...base, LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_MODEL: 'llama3.2' }).llm, {
      baseUrl: 'http://127.0.0.1:11434/v1',
      apiKey: undefined,
      model: 'llama3.2',
    });
  });

  test('when another server is configured next to OPENAI_API_KEY, then the OpenAI key is not sent to it', () => {
    const llm = loadConfig({ ...base, LLM_BASE_URL: 'http://llm.internal:8000/v1', LLM_MODEL: 'qwen', OPENAI_API_KEY: 'sk-o' }).llm;
    assert.equal(llm?.apiKey, undefined);
    const withKey = loadConfig({ ...base, LLM_BASE_URL: 'http://llm.internal:8000/v1', LLM_MODEL: 'qwen', LLM_API_KEY: 'k' }).llm;
    assert.equal(withKey?.apiKey, 'k');
  });

  test('when LLM_BASE_URL is set without LLM_MODEL, or LLM_MODEL without a server or key, then start-up fails naming the variable', () => {
    assert.throws(() => loadConfig({ ...base, LLM_BASE_URL: 'http://127.0.0.1:11434/v1' }), (err: Error) => {
      return err instanceof ConfigError && /LLM_MODEL/.test(err.message);
    });
    assert.throws(() => loadConfig({ ...base, LLM_MODEL: 'gpt-x' }), ConfigError);
    assert.throws(() => loadConfig({ ...base, LLM_BASE_URL: 'not a url', LLM_MODEL: 'm' }), /LLM_BASE_URL/);
  });
});
