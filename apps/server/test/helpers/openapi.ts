// The server's own OpenAPI document as a list of operations, so abuse tests
// cover every route, including ones added later, without a list to maintain.
import { randomUUID } from 'node:crypto';

export interface Operation {
  method: string;
  /** OpenAPI path, e.g. `/api/memories/{id}`. */
  path: string;
  auth: boolean;
  params: { in: 'path' | 'query'; name: string; schema: Schema; required: boolean }[];
  body: Schema | undefined;
}

export interface Schema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
  default?: unknown;
  example?: unknown;
}

export async function loadOperations(base: string): Promise<{ operations: Operation[]; resolve: (s: Schema) => Schema }> {
  const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { security?: unknown[]; parameters?: Operation['params']; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
    components?: { schemas?: Record<string, Schema> };
  };
  const resolve = (schema: Schema): Schema => {
    if (!schema.$ref) return schema;
    return resolve(doc.components!.schemas![schema.$ref.split('/').at(-1)!]!);
  };
  const operations: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        auth: Boolean(op.security?.length),
        params: (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(p.schema) })),
        body: op.requestBody ? resolve(op.requestBody.content['application/json']!.schema) : undefined,
      });
    }
  }
  return { operations, resolve };
}

/** A value the schema accepts (the usual shapes; refinements beyond JSON Schema are not known here). */
export function exampleOf(input: Schema, resolve: (s: Schema) => Schema): unknown {
  const schema = resolve(input);
  if (schema.const !== undefined) return schema.const;
  if (schema.example !== undefined && schema.format !== 'uuid') return schema.example;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return exampleOf(alternatives.find((s) => resolve(s).type !== 'null') ?? alternatives[0]!, resolve);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => exampleOf(s, resolve)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((key) => [key, exampleOf(schema.properties?.[key] ?? {}, resolve)]));
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, Math.min(schema.maximum ?? 1, 1));
    case 'boolean':
      return true;
    case 'string':
      switch (schema.format) {
        case 'uuid':
          return randomUUID();
        case 'email':
          return `example.${randomUUID().slice(0, 8)}@example.test`;
        case 'date-time':
          return new Date(Date.now() + 3600_000).toISOString();
        case 'uri':
          return 'https://example.test/';
        default:
          return 'example text'.padEnd(schema.minLength ?? 0, 'x').slice(0, schema.maxLength ?? 100);
      }
    default:
      return 'example';
  }
}

/** Fills `{name}` path parameters. */
export const fillPath = (path: string, values: Record<string, string>) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? 'x'));
