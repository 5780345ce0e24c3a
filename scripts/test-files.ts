// The watchdog under `npm test` and `npm run test:e2e`: each test file runs in a
// process of its own with a time limit, so no file can hang the run. A file that
// is still running at the limit, or whose process does not exit after its tests,
// is stopped (with everything it started) and counted as failed, by name.
// Skipped tests are collected by reason, so a missing server shows once at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { glob } from 'node:fs/promises';
import path from 'node:path';

/** Seconds one test file may run (TEST_FILE_TIMEOUT_S); the longest test allows 10 minutes. */
export const FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_S ?? 900) * 1000;
/** How long a process may stay up after its tests ended before it counts as hung. */
const EXIT_GRACE_MS = 30_000;

export interface Outcome {
  passed: number;
  failed: number;
  skipped: number;
  /** Skip reason -> the files it skipped tests in. */
  skips: Map<string, Set<string>>;
  /** One line per file that timed out, crashed or did not exit. */
  problems: string[];
}

export const emptyOutcome = (): Outcome => ({ passed: 0, failed: 0, skipped: 0, skips: new Map(), problems: [] });

export function addOutcome(total: Outcome, part: Outcome): void {
  total.passed += part.passed;
  total.failed += part.failed;
  total.skipped += part.skipped;
  total.problems.push(...part.problems);
  for (const [reason, files] of part.skips) for (const file of files) addSkip(total, reason, file);
}

function addSkip(outcome: Outcome, reason: string, file: string): void {
  const files = outcome.skips.get(reason) ?? new Set<string>();
  files.add(file);
  outcome.skips.set(reason, files);
}

const running = new Set<ChildProcess>();

/** Kills a child's whole process group: the test process and every server it started. */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) killGroup(child);
    process.exit(130);
  });
}

interface Supervised {
  code: number;
  output: string;
  /** Why the watchdog stopped the process, if it did. */
  stopped?: string;
}

/**
 * Runs a command in its own process group; `check` is asked every second and
 * returns a reason to stop it. `onOutput` sees the output as it comes.
 */
function supervise(
  command: string,
  args: string[],
  options: { check(): string | undefined; onOutput?(chunk: string, stream: 'stdout' | 'stderr'): void; env?: NodeJS.ProcessEnv },
): Promise<Supervised> {
  return new Promise((resolve) => {
    let output = '';
    let stopped: string | undefined;
    // NODE_TEST_CONTEXT, set when this runs inside a test, would make the child report in the runner's binary protocol.
    const { NODE_TEST_CONTEXT: _inherited, ...env } = options.env ?? process.env;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
    running.add(child);
    const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      options.onOutput?.(text, stream);
    };
    child.stdout!.on('data', take('stdout'));
    child.stderr!.on('data', take('stderr'));
    const timer = setInterval(() => {
      const reason = options.check();
      if (reason && !stopped) {
        stopped = reason;
        killGroup(child);
      }
    }, 1000);
    child.once('error', (err) => (output += `\n${String(err)}\n`));
    child.once('close', (code) => {
      clearInterval(timer);
      running.delete(child);
      // Whatever the file started and left behind goes with it.
      killGroup(child);
      resolve({ code: code ?? 1, output, stopped });
    });
  });
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** The skip lines of node's spec reporter: "﹣ name (1ms) # reason". */
function nodeSkips(output: string): string[] {
  return [...output.matchAll(/^\s*﹣ .*? # (.+)$/gm)].map((m) => m[1]!.trim());
}

function nodeCounts(output: string) {
  const count = (label: string) => Number(new RegExp(`^ℹ ${label} (\\d+)`, 'm').exec(output)?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled') };
}

/** Expands globs (relative to the working folder) into a sorted list of files, outside node_modules. */
export async function expandFiles(patterns: string[]): Promise<string[]> {
  const files = new Set<string>();
  for (const pattern of patterns) {
    for await (const file of glob(pattern, { exclude: (name) => path.basename(name) === 'node_modules' })) files.add(file);
  }
  return [...files].sort();
}

/** Runs node test files, `concurrency` at a time, each under the watchdog; prints each file's output when it ends. */
export async function runNodeTestFiles(files: string[], options: { concurrency: number; testTimeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<Outcome> {
  const total = emptyOutcome();
  const leakCheck = path.join(import.meta.dirname, 'test-leak-check.ts');
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const started = Date.now();
      const run = await supervise(
        process.execPath,
        ['--import', leakCheck, '--test', '--test-reporter=spec', `--test-timeout=${options.testTimeoutMs}`, file],
        { env: options.env, check: () => (Date.now() - started > FILE_TIMEOUT_MS ? `did not finish within ${seconds(FILE_TIMEOUT_MS)} and was stopped` : undefined) },
      );
      const part = emptyOutcome();
      const counts = nodeCounts(run.output);
      part.passed = counts.passed;
      part.failed = counts.failed;
      for (const reason of nodeSkips(run.output)) {
        part.skipped += 1;
        addSkip(part, reason, file);
      }
      let status = `${part.passed} passed, ${part.failed} failed${part.skipped ? `, ${part.skipped} skipped` : ''}`;
      if (run.stopped || run.code !== 0) {
        const why = run.stopped ?? (part.failed ? undefined : `exited with code ${run.code}`);
        if (why) {
          part.problems.push(`${file} ${why}`);
          if (part.failed === 0) part.failed = 1;
          status = `FAILED: ${why}`;
        }
      }
      process.stdout.write(`\n── ${file}\n${run.output.trimEnd()}\n── ${file}: ${status} (${seconds(Date.now() - started)})\n`);
      addOutcome(total, part);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return total;
}

/**
 * Runs Jest (one process; it has its own workers) under the watchdog: a reporter
 * (scripts/jest-file-reporter.cjs) tells which files are running, so a file past
 * the limit is named, and a run that ended but does not exit is stopped.
 */
export async function runJest(jestArgs: string[]): Promise<Outcome> {
  const runningFiles = new Map<string, number>();
  const outcome = emptyOutcome();
  let endedAt: number | undefined;
  let pending = '';
  const onOutput = (chunk: string, stream: 'stdout' | 'stderr') => {
    // Jest's own reporters and the markers write to stderr.
    if (stream === 'stdout') return void process.stdout.write(chunk);
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const marker = /^\[jest-file\] (start|done|end) ?(.*)$/.exec(line);
      if (!marker) {
        process.stderr.write(`${line}\n`);
        continue;
      }
      if (marker[1] === 'start') runningFiles.set(marker[2]!, Date.now());
      else if (marker[1] === 'done') {
        // "done <passed> <failed> <skipped> <path>": counted per file, so a stopped run still counts what finished.
        const [passed, failed, skipped, ...file] = marker[2]!.split(' ');
        runningFiles.delete(file.join(' '));
        outcome.passed += Number(passed);
        outcome.failed += Number(failed);
        outcome.skipped += Number(skipped);
      } else endedAt = Date.now();
    }
  };
  const reporter = path.join(import.meta.dirname, 'jest-file-reporter.cjs');
  const run = await supervise(process.execPath, [...jestArgs, '--reporters=default', `--reporters=${reporter}`], {
    onOutput,
    check() {
      for (const [file, started] of runningFiles) {
        if (Date.now() - started > FILE_TIMEOUT_MS) return `${path.relative(process.cwd(), file)} did not finish within ${seconds(FILE_TIMEOUT_MS)} and was stopped`;
      }
      if (endedAt !== undefined && Date.now() - endedAt > EXIT_GRACE_MS) return `Jest ended its tests but did not exit within ${seconds(EXIT_GRACE_MS)} (an open handle: run it with --detectOpenHandles)`;
      return undefined;
    },
  });
  if (pending) process.stderr.write(`${pending}\n`);
  if (run.stopped || run.code !== 0) {
    const why = run.stopped ?? (outcome.failed ? undefined : `Jest exited with code ${run.code}`);
    if (why) {
      outcome.problems.push(why);
      if (outcome.failed === 0) outcome.failed = 1;
    }
  }
  return outcome;
}

/** The closing lines: each skip reason once with its files, every stopped file, then "N passed, N failed". */
export function report(outcome: Outcome): void {
  if (outcome.skips.size > 0) {
    console.log(`\nSkipped (${outcome.skipped}), by reason:`);
    for (const [reason, files] of outcome.skips) console.log(`  ${reason}\n    in ${[...files].join(', ')}`);
  }
  if (outcome.problems.length > 0) {
    console.log('\nStopped or crashed:');
    for (const problem of outcome.problems) console.log(`  ✖ ${problem}`);
  }
  console.log(`\n${outcome.passed} passed, ${outcome.failed} failed${outcome.skipped ? `, ${outcome.skipped} skipped` : ''}`);
}
