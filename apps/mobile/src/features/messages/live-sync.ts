import type { ApiClient } from '@/lib/api-client';
import { Message, MessageDelta, MessageDeleted } from '@lifeos/contract';
import type { EventStreamHandle, EventStreamOptions } from '@/lib/sse/event-stream.types';
import type { SseEvent } from '@/lib/sse/sse-parser';

export type LiveSyncState = 'connecting' | 'open' | 'waiting';

export type LiveSyncDeps = {
  api: Pick<ApiClient, 'getAccessToken' | 'refresh' | 'url'>;
  open(options: EventStreamOptions): EventStreamHandle;
  onMessage(message: Message): void;
  onDelta(delta: MessageDelta): void;
  /** A message deleted on any device. */
  onDeleted?(id: string): void;
  /** Where to resume when nothing was received yet: the newest message already shown. */
  initialLastEventId(): string | null;
  /** Called after a reconnect that could not name a last event: refetch instead. */
  onResumeWithoutId?(): void;
  onState?(state: LiveSyncState): void;
  retryDelayMs?(attempt: number): number;
};

/**
 * Keeps one SSE connection to GET /api/messages/stream: sends the access token,
 * resumes with Last-Event-ID after any drop, refreshes the token once on a 401,
 * and backs off while the server cannot be reached.
 */
export class LiveSync {
  private readonly deps: LiveSyncDeps;
  private handle: EventStreamHandle | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private running = false;
  private connectedOnce = false;
  lastEventId: string | null = null;

  constructor(deps: LiveSyncDeps) {
    this.deps = deps;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  /** Closes the stream (app in the background); start() resumes where it stopped. */
  stop(): void {
    this.running = false;
    this.clearTimer();
    this.handle?.close();
    this.handle = null;
  }

  /** The network is back: skip the back-off wait. */
  reconnectNow(): void {
    if (!this.running || this.handle) return;
    this.clearTimer();
    this.attempt = 0;
    this.connect();
  }

  private connect(): void {
    this.clearTimer();
    const token = this.deps.api.getAccessToken();
    if (!token) return;
    const lastEventId = this.lastEventId ?? this.deps.initialLastEventId();
    if (this.connectedOnce && !lastEventId) this.deps.onResumeWithoutId?.();
    this.deps.onState?.('connecting');
    this.handle = this.deps.open({
      url: this.deps.api.url('/messages/stream'),
      headers: { Authorization: `Bearer ${token}` },
      lastEventId,
      onOpen: () => {
        this.attempt = 0;
        this.connectedOnce = true;
        this.deps.onState?.('open');
      },
      onEvent: (event) => this.handleEvent(event),
      onError: ({ status }) => this.handleFailure(status, token),
    });
  }

  private handleEvent(event: SseEvent): void {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    if (event.type === 'message.created' || event.type === 'message.updated') {
      const message = Message.safeParse(data);
      if (!message.success) return;
      // Only created events carry an id; updates (a pending action's outcome) do not.
      if (event.type === 'message.created') this.lastEventId = event.id ?? message.data.id;
      this.deps.onMessage(message.data);
    } else if (event.type === 'message.deleted') {
      const deleted = MessageDeleted.safeParse(data);
      if (deleted.success) this.deps.onDeleted?.(deleted.data.id);
    } else if (event.type === 'message.delta') {
      const delta = MessageDelta.safeParse(data);
      if (delta.success) this.deps.onDelta(delta.data);
    }
  }

  private handleFailure(status: number, token: string): void {
    this.handle = null;
    if (!this.running) return;
    this.deps.onState?.('waiting');
    if (status === 401) {
      // A refused token: refresh once; when the session is over the app signs out.
      this.deps.api.refresh(token).then(
        (next) => {
          if (next && this.running) this.connect();
        },
        () => this.scheduleRetry(),
      );
      return;
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (!this.running) return;
    this.attempt += 1;
    const delay = this.deps.retryDelayMs?.(this.attempt) ?? Math.min(30_000, 1_000 * 2 ** (this.attempt - 1)) * (0.75 + Math.random() * 0.5);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
