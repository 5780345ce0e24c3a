import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exposedToolName, MAX_TOOL_NAME, slugify, uniqueSlug } from './tool-names.ts';

describe('MCP tool names for the model', () => {
  it('when a server has a name, then its prefix is a short lower-case slug', () => {
    const cases: [string, string][] = [
      ['GitHub', 'github'],
      ['GitHub (work)', 'github_work'],
      ['Café Über', 'cafe_uber'],
      ['  --  ', 'mcp'],
      ['日本', 'mcp'],
      ['A very long server name that goes on and on', 'a_very_long_server_n'],
    ];
    for (const [name, slug] of cases) assert.equal(slugify(name), slug, name);
  });

  it('when a prefix is taken, then the next free number is added', () => {
    assert.equal(uniqueSlug('github', []), 'github');
    assert.equal(uniqueSlug('github', ['github']), 'github_2');
    assert.equal(uniqueSlug('github', ['github', 'github_2']), 'github_3');
  });

  it('when a tool name has other characters or is long, then the name stays within 64 safe characters and distinct', () => {
    assert.equal(exposedToolName('github', 'list_issues'), 'github__list_issues');
    assert.equal(exposedToolName('github', 'issues.list'), 'github__issues_list');
    const long1 = exposedToolName('a_very_long_server_n', `x${'y'.repeat(80)}1`);
    const long2 = exposedToolName('a_very_long_server_n', `x${'y'.repeat(80)}2`);
    for (const name of [long1, long2]) {
      assert.ok(name.length <= MAX_TOOL_NAME, name);
      assert.match(name, /^[A-Za-z0-9_-]+$/);
      assert.ok(name.startsWith('a_very_long_server_n__'));
    }
    assert.notEqual(long1, long2);
  });
});
