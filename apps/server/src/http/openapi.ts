import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';

export function buildOpenApi(paths: ZodOpenApiPathsObject, version: string) {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'LifeOS API',
      version,
      description:
        'One chat where a person talks to their life. Errors are RFC 9457 problem details with a stable `code`. ' +
        'Authenticated endpoints take `Authorization: Bearer <accessToken>`.',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  });
}

type Doc = ReturnType<typeof buildOpenApi>;
type Operation = { summary?: string; description?: string; tags?: string[]; security?: unknown[]; requestBody?: unknown; parameters?: unknown[]; responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }> };

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A readable, self-contained reference page (no scripts, no CDN). */
export function renderDocsPage(doc: Doc): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, raw] of Object.entries(item as Record<string, Operation>)) {
      const op = raw;
      const tag = op.tags?.[0] ?? 'Other';
      const params = (op.parameters ?? []) as { name: string; in: string; required?: boolean }[];
      const body = (op.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content?.['application/json']?.schema;
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => {
          const schema = r.content?.['application/json']?.schema;
          return `<li><code>${esc(status)}</code> ${esc(r.description ?? '')}${schema ? `<pre>${esc(JSON.stringify(schema, null, 2))}</pre>` : ''}</li>`;
        })
        .join('');
      const html = `<section class="op"><h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code>${op.security?.length ? ' <span class="lock" title="Bearer token">🔒</span>' : ''}</h3>
<p>${esc(op.summary ?? '')}</p>${params.length ? `<p>Parameters: ${params.map((p) => `<code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''})`).join(', ')}</p>` : ''}
${body ? `<details><summary>Request body</summary><pre>${esc(JSON.stringify(body, null, 2))}</pre></details>` : ''}
<details><summary>Responses</summary><ul>${responses}</ul></details></section>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const schemas = doc.components?.schemas ?? {};
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>LifeOS API reference</title><style>
:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.45}body{max-width:960px;margin:0 auto;padding:1.5rem}
pre{background:#8881;padding:.6rem;overflow:auto;border-radius:6px;font-size:.85em}.op{border-top:1px solid #8884;padding:.4rem 0}
.m{display:inline-block;min-width:4.2em;font-size:.8em;padding:.1em .4em;border-radius:4px;color:#fff;background:#555}
.get{background:#1769aa}.post{background:#217a3c}.patch{background:#8a5a00}.delete{background:#a52a2a}.put{background:#6a3d9a}
nav a{margin-right:1rem}</style></head><body>
<h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1><p>${esc(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${esc(doc.openapi)}).</p>
<nav>${[...byTag.keys()].map((t) => `<a href="#${esc(t)}">${esc(t)}</a>`).join('')}<a href="#schemas">Schemas</a></nav>
${[...byTag.entries()].map(([tag, ops]) => `<h2 id="${esc(tag)}">${esc(tag)}</h2>${ops.join('')}`).join('')}
<h2 id="schemas">Schemas</h2>${Object.entries(schemas).map(([name, s]) => `<details><summary><code>${esc(name)}</code></summary><pre>${esc(JSON.stringify(s, null, 2))}</pre></details>`).join('')}
</body></html>`;
}
