// Start-up and shutdown only.
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createApp } from './app.ts';
import { boot } from './bootstrap.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startJobs } from './jobs/job-runner.ts';
import { startTelemetry } from './lib/telemetry.ts';

process.env.MASTRA_TELEMETRY_DISABLED ??= '1';
if (existsSync('.env')) process.loadEnvFile('.env');

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const started = performance.now();
const telemetry = await startTelemetry(config);
const booted = await boot(config);
const { ctx } = booted;
const app = createApp(ctx);
const jobRunner = await startJobs(ctx);

const server = app.listen(config.port, config.host, () => {
  const ms = Math.round(performance.now() - started);
  ctx.log.info({ port: config.port, database: config.database.driver, startupMs: ms }, `LifeOS listening on http://localhost:${config.port}`);
});
// Slow or oversized clients must not hold the server: bounded headers and request time.
server.headersTimeout = 20_000;
server.requestTimeout = 120_000;
server.keepAliveTimeout = 65_000;
server.maxHeadersCount = 100;

const sockets = new Set<Socket>();
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  ctx.log.info({ signal }, 'draining');
  const force = setTimeout(() => {
    ctx.log.warn('drain timed out; closing remaining connections');
    for (const socket of sockets) socket.destroy();
  }, 10_000);
  force.unref();
  // Refuse new connections, end open streams, let in-flight requests finish.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  booted.beginShutdown();
  // Keep-alive connections become idle as their last request finishes: close them then.
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  server.closeIdleConnections();
  await closed;
  clearInterval(idle);
  await jobRunner.stop().catch((err: unknown) => ctx.log.warn({ err }, 'job queue did not stop cleanly'));
  await booted.close();
  await telemetry.shutdown().catch((err: unknown) => ctx.log.warn({ err }, 'traces were not all sent'));
  clearTimeout(force);
  ctx.log.info('stopped');
  process.exit(0);
}

process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
process.on('unhandledRejection', (err) => ctx.log.error({ err }, 'unhandled rejection'));
