// The main thread's side of the embedded database (db/pglite-worker.ts runs
// PGlite itself): the part of PGlite's interface that Drizzle, the job queue
// and the event bus use — query, exec, transaction, listen — as messages to
// the worker. Statements outside a transaction are sent at once and queue in
// the worker; while a transaction is open, every other statement waits here
// for it, because the worker has one session.
import { Worker } from 'node:worker_threads';

export interface WorkerStart {
  dataDir: string;
  loadDataDir?: ArrayBuffer;
}

/** Observes each statement (tracing): called as it is sent, and the returned function when it is done. */
export type StatementObserver = (text: string) => ((err?: unknown) => void) | undefined;

export type WorkerRequest =
  | { id: number; op: 'query'; text: string; params?: unknown[]; rowMode?: 'array' | 'object'; rawTypes?: number[] }
  | { id: number; op: 'exec'; text: string; rollbackOnError?: boolean }
  | { id: number; op: 'close' };

export type WorkerResponse =
  | { type: 'ready' }
  | { type: 'failed'; error: Record<string, unknown> }
  | { type: 'notify'; channel: string; payload: string }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: Record<string, unknown> };

export interface QueryResult {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
  command?: string;
  rowCount?: number;
}

interface QueryOptions {
  rowMode?: 'array' | 'object';
  parsers?: Record<number, unknown>;
}

export interface PgliteTransaction {
  query(text: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult>;
  exec(text: string): Promise<QueryResult[]>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

const toError = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message)), fields);

export class PgliteThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();
  #nextId = 1;
  #transaction: Promise<void> | undefined;
  #closed: Promise<void> | undefined;
  #dead: Error | undefined;
  readonly #observe: StatementObserver | undefined;

  private constructor(worker: Worker, observe: StatementObserver | undefined) {
    this.#worker = worker;
    this.#observe = observe;
  }

  /** Starts the worker and resolves once the database is open. */
  static async start(start: WorkerStart, observe?: StatementObserver): Promise<PgliteThread> {
    const worker = new Worker(new URL('./pglite-worker.ts', import.meta.url), {
      workerData: start,
      transferList: start.loadDataDir ? [start.loadDataDir] : [],
    });
    const thread = new PgliteThread(worker, observe);
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the database thread exited (code ${code}) while opening`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (message: WorkerResponse) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (message.type === 'ready') resolve();
        else if (message.type === 'failed') reject(toError(message.error));
        else reject(new Error(`the database thread said ${message.type} while opening`));
      });
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    thread.#attach();
    return thread;
  }

  #attach(): void {
    const worker = this.#worker;
    worker.on('message', (message: WorkerResponse) => {
      if (message.type === 'notify') {
        for (const listener of this.#listeners.get(message.channel) ?? []) listener(message.payload);
        return;
      }
      if (message.type !== 'result' && message.type !== 'error') return;
      const call = this.#pending.get(message.id);
      if (!call) return;
      this.#pending.delete(message.id);
      if (this.#pending.size === 0) worker.unref();
      if (message.type === 'result') call.resolve(message.result);
      else call.reject(toError(message.error));
    });
    const fail = (err: Error) => {
      this.#dead ??= err;
      for (const call of this.#pending.values()) call.reject(err);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the database thread exited (code ${code})`)));
    // Idle, the thread must not keep a finished command-line tool alive; with a call in flight it must.
    worker.unref();
  }

  #call<T>(request: WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    const done = this.#observe && 'text' in request ? this.#observe(request.text) : undefined;
    const sent = new Promise<T>((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ ...request, id });
    });
    if (!done) return sent;
    sent.then(() => done(), (err: unknown) => done(err));
    return sent;
  }

  #query(text: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult> {
    const rawTypes = options?.parsers ? Object.keys(options.parsers).map(Number) : undefined;
    return this.#call({ op: 'query', text, params: params ?? [], rowMode: options?.rowMode ?? 'object', ...(rawTypes ? { rawTypes } : {}) });
  }

  #exec(text: string, rollbackOnError = false): Promise<QueryResult[]> {
    return this.#call({ op: 'exec', text, rollbackOnError });
  }

  async #outsideTransaction(): Promise<void> {
    while (this.#transaction) await this.#transaction;
  }

  /**
   * Runs one statement outside any transaction. `parsers` are honoured only as
   * "keep these types as text" (what Drizzle asks for): a function cannot be sent.
   */
  async query(text: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult> {
    await this.#outsideTransaction();
    return this.#query(text, params, options);
  }

  /** Runs several statements in one go; `rollbackOnError` ends a transaction the block left open. */
  async exec(text: string, options: { rollbackOnError?: boolean } = {}): Promise<QueryResult[]> {
    await this.#outsideTransaction();
    return this.#exec(text, options.rollbackOnError);
  }

  async transaction<T>(fn: (tx: PgliteTransaction) => Promise<T>): Promise<T> {
    await this.#outsideTransaction();
    let done!: () => void;
    this.#transaction = new Promise<void>((resolve) => (done = resolve));
    let closed = false;
    const open = () => {
      if (closed) throw new Error('Transaction is closed');
    };
    const tx: PgliteTransaction = {
      query: async (text, params, options) => (open(), this.#query(text, params, options)),
      exec: async (text) => (open(), this.#exec(text)),
      rollback: async () => {
        open();
        await this.#exec('ROLLBACK');
        closed = true;
      },
      get closed() {
        return closed;
      },
    };
    try {
      await this.#exec('BEGIN');
      try {
        const result = await fn(tx);
        if (!closed) {
          closed = true;
          const [commit] = await this.#exec('COMMIT');
          // COMMIT of a transaction that had failed answers ROLLBACK.
          if (commit?.command === 'ROLLBACK') {
            throw Object.assign(new Error('Transaction was rolled back instead of committed'), { code: '25P02' });
          }
        }
        return result;
      } catch (err) {
        if (!closed) {
          closed = true;
          await this.#exec('ROLLBACK').catch(() => undefined);
        }
        throw err;
      }
    } finally {
      this.#transaction = undefined;
      done();
    }
  }

  /** LISTEN on a channel; notifications arrive before the reply to the statement that delivered them. */
  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.#listeners.get(channel);
    if (!set) {
      this.#listeners.set(channel, (set = new Set()));
      await this.exec(`LISTEN ${quoteIdent(channel)}`);
    }
    set.add(onPayload);
    return async () => {
      set.delete(onPayload);
      if (set.size === 0 && this.#listeners.get(channel) === set) {
        this.#listeners.delete(channel);
        if (!this.#dead) await this.exec(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
      }
    };
  }

  /** Waits for statements in flight, closes the database (a clean shutdown on disk), and ends the thread. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      if (!this.#dead) {
        await Promise.allSettled([...this.#pending.values()].map((call) => new Promise<void>((resolve) => {
          const { resolve: res, reject } = call;
          call.resolve = (value) => (res(value), resolve());
          call.reject = (err) => (reject(err), resolve());
        })));
        await this.#outsideTransaction();
        await this.#call({ op: 'close' }).catch(() => undefined);
      }
      await this.#worker.terminate();
    })();
    return this.#closed;
  }
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
