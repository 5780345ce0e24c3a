import * as z from 'zod';
import { ApiError, NetworkError } from '@/lib/api-client';
import type { MessagePair } from '@lifeos/contract';

export const OutboxItem = z.object({
  clientId: z.uuid(),
  content: z.string().min(1),
  createdAt: z.string(),
  status: z.enum(['queued', 'sending', 'failed']),
  error: z.string().nullable(),
  attempts: z.number().int().min(0),
});
export type OutboxItem = z.infer<typeof OutboxItem>;
export const OutboxItems = z.array(OutboxItem);

export type OutboxDeps = {
  load(): Promise<OutboxItem[]>;
  save(items: OutboxItem[]): Promise<void>;
  send(message: { clientId: string; content: string }): Promise<MessagePair>;
  onDelivered(pair: MessagePair, item: OutboxItem): void;
  isOnline(): boolean;
  newId(): string;
  now?(): Date;
  /** Waits before trying again after the server could not be reached. */
  retryDelayMs?(attempt: number): number;
};

const WAITING = 'Waiting for the network';

/**
 * Messages typed in the chat on their way to the server. Each keeps one clientId
 * from the moment it is typed, through every retry and app restart, so the server
 * (idempotent on clientId) never stores it twice. Sends one at a time, in order.
 */
export class Outbox {
  private items: OutboxItem[] = [];
  private readonly listeners = new Set<() => void>();
  private flushing: Promise<void> | null = null;
  private flushAgain = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly deps: OutboxDeps;
  readonly ready: Promise<void>;

  constructor(deps: OutboxDeps) {
    this.deps = deps;
    this.ready = deps
      .load()
      .catch(() => [])
      .then((items) => {
        // "sending" when the app stopped: the answer was lost, so ask again with
        // the same clientId; the server answers with what it already stored.
        this.items = items.map((item) => (item.status === 'sending' ? { ...item, status: 'queued' as const } : item));
        this.emit();
        void this.flush();
      });
  }

  getItems = (): OutboxItem[] => this.items;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  async enqueue(content: string): Promise<OutboxItem> {
    await this.ready;
    const item: OutboxItem = {
      clientId: this.deps.newId(),
      content,
      createdAt: (this.deps.now?.() ?? new Date()).toISOString(),
      status: 'queued',
      error: this.deps.isOnline() ? null : WAITING,
      attempts: 0,
    };
    this.setItems([...this.items, item]);
    void this.flush();
    return item;
  }

  /** Sends a failed message again, with its original clientId. */
  retry(clientId: string): Promise<void> {
    this.update(clientId, { status: 'queued', error: null });
    return this.flush();
  }

  discard(clientId: string): void {
    this.setItems(this.items.filter((item) => item.clientId !== clientId));
  }

  clear(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.setItems([]);
  }

  /** Sends what is queued; safe to call any time (online again, app in front). */
  flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.flushing = this.run().finally(() => {
      this.flushing = null;
      if (this.flushAgain) {
        this.flushAgain = false;
        void this.flush();
      }
    });
    return this.flushing;
  }

  private async run(): Promise<void> {
    await this.ready;
    for (;;) {
      const next = this.items.find((item) => item.status === 'queued');
      if (!next) return;
      if (!this.deps.isOnline()) {
        this.update(next.clientId, { error: WAITING });
        return;
      }
      const attempts = next.attempts + 1;
      this.update(next.clientId, { status: 'sending', error: null, attempts });
      try {
        const pair = await this.deps.send({ clientId: next.clientId, content: next.content });
        const delivered = this.items.find((item) => item.clientId === next.clientId) ?? next;
        this.setItems(this.items.filter((item) => item.clientId !== next.clientId));
        this.deps.onDelivered(pair, delivered);
      } catch (error) {
        if (error instanceof NetworkError) {
          this.update(next.clientId, { status: 'queued', error: WAITING });
          const delay = this.deps.retryDelayMs?.(attempts) ?? Math.min(30_000, 2_000 * 2 ** Math.min(attempts - 1, 4));
          this.retryTimer = setTimeout(() => void this.flush(), delay);
          return;
        }
        this.update(next.clientId, {
          status: 'failed',
          error: error instanceof ApiError ? error.detail : 'The message could not be sent.',
        });
      }
    }
  }

  private update(clientId: string, patch: Partial<OutboxItem>): void {
    this.setItems(this.items.map((item) => (item.clientId === clientId ? { ...item, ...patch } : item)));
  }

  private setItems(items: OutboxItem[]): void {
    this.items = items;
    void this.deps.save(items).catch(() => undefined);
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
