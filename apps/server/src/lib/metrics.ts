// Prometheus metrics of one process: HTTP, agents, tools, streams, jobs, the
// database pool, the event loop and Node's defaults. Each instance keeps its own
// registry (tests run several apps in one process); business events are counted
// from the one place that logs them (lib/events.ts).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db/client.ts';
import { onBusinessEvent } from './events.ts';

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly openStreams: Gauge;
  readonly jobRuns: Histogram<'job' | 'outcome'>;
  /** Stops listening to business events (the registry stays readable). */
  close(): void;
}

// Request latencies of this API sit between a millisecond and a few seconds (agent runs).
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const AGENT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(database: Pick<Database, 'poolStats' | 'driver'>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lifeos_' });

  const httpDuration = new Histogram({
    name: 'lifeos_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const openStreams = new Gauge({
    name: 'lifeos_sse_open_streams',
    help: 'Server-sent event streams open on this instance',
    registers: [registry],
  });
  const agentRuns = new Histogram({
    name: 'lifeos_agent_run_duration_seconds',
    help: 'Agent runs by agent, engine and outcome (ok, error, timeout)',
    labelNames: ['agent', 'engine', 'outcome'] as const,
    buckets: AGENT_BUCKETS,
    registers: [registry],
  });
  const toolCalls = new Histogram({
    name: 'lifeos_tool_call_duration_seconds',
    help: 'Tool calls made by agents, by agent, tool and outcome',
    labelNames: ['agent', 'tool', 'outcome'] as const,
    buckets: AGENT_BUCKETS,
    registers: [registry],
  });
  const events = new Counter({
    name: 'lifeos_business_events_total',
    help: 'Business events (login, message sent, agent run, action confirmed, ...)',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const jobRuns = new Histogram({
    name: 'lifeos_job_duration_seconds',
    help: 'Background jobs run by this instance, by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    buckets: AGENT_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: 'lifeos_db_pool_connections',
    help: 'Database connections of this instance by state (total, idle, waiting requests)',
    labelNames: ['driver', 'state'] as const,
    registers: [registry],
    collect() {
      const stats = database.poolStats();
      for (const state of ['total', 'idle', 'waiting'] as const) this.set({ driver: database.driver, state }, stats[state]);
    },
  });

  const stop = onBusinessEvent((event, fields) => {
    events.inc({ event });
    const label = (value: unknown, fallback: string) => (typeof value === 'string' && value ? value : fallback);
    if (event === 'agent.run' && typeof fields.ms === 'number') {
      agentRuns.observe(
        { agent: label(fields.agent, 'assistant'), engine: label(fields.engine, 'unknown'), outcome: label(fields.outcome, 'ok') },
        fields.ms / 1000,
      );
    } else if (event === 'tool.call') {
      const outcome = fields.ok === false ? 'error' : 'ok';
      toolCalls.observe(
        { agent: label(fields.agent, 'assistant'), tool: label(fields.name, 'unknown'), outcome },
        typeof fields.ms === 'number' ? fields.ms / 1000 : 0,
      );
    }
  });

  return { registry, httpDuration, openStreams, jobRuns, close: stop };
}
