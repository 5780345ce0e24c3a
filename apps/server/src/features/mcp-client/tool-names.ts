// How a user's MCP tools are named for the model: `<server prefix>__<tool>`.
// Models accept function names of at most 64 characters from `[A-Za-z0-9_-]`;
// the double underscore keeps them apart from LifeOS's own tools.
import { createHash } from 'node:crypto';

export const MAX_TOOL_NAME = 64;
const SLUG_MAX = 20;

/** A server's name as a tool prefix: `GitHub (work)` → `github_work`. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/_+$/, '');
  return slug || 'mcp';
}

/** `base`, or `base_2`, `base_3`, … when the user already has a server with that prefix. */
export function uniqueSlug(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken.includes(candidate)) return candidate;
  }
}

/** The name the model sees, within 64 safe characters (a hash of the tool's name keeps long names apart). */
export function exposedToolName(slug: string, tool: string): string {
  const safe = tool.replace(/[^A-Za-z0-9_-]/g, '_');
  const name = `${slug}__${safe}`;
  if (name.length <= MAX_TOOL_NAME) return name;
  const hash = createHash('sha256').update(tool).digest('hex').slice(0, 6);
  return `${name.slice(0, MAX_TOOL_NAME - 7)}_${hash}`;
}
