import type { SseEvent } from './sse-parser';

export type EventStreamOptions = {
  url: string;
  headers: Record<string, string>;
  /** Sent as Last-Event-ID so the server first replays what was missed. */
  lastEventId: string | null;
  onOpen(): void;
  onEvent(event: SseEvent): void;
  /** The stream failed or ended; `status` is the HTTP status, 0 when there was none. */
  onError(failure: { status: number }): void;
};

export type EventStreamHandle = { close(): void };
