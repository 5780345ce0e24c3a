import { createSseParser } from './sse-parser';
import type { EventStreamHandle, EventStreamOptions } from './event-stream.types';

/**
 * Server-sent events over fetch: unlike the browser's EventSource, fetch can send
 * the Authorization header and our own Last-Event-ID.
 */
export function openEventStream(options: EventStreamOptions): EventStreamHandle {
  const controller = new AbortController();
  let failed = false;
  const fail = (status: number) => {
    if (failed || controller.signal.aborted) return;
    failed = true;
    options.onError({ status });
  };

  void (async () => {
    const response = await fetch(options.url, {
      headers: {
        Accept: 'text/event-stream',
        ...options.headers,
        ...(options.lastEventId ? { 'Last-Event-ID': options.lastEventId } : {}),
      },
      cache: 'no-store',
      signal: controller.signal,
    });
    if (!response.ok || !response.body) {
      fail(response.status);
      return;
    }
    options.onOpen();
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = createSseParser();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const event of parser.feed(decoder.decode(value, { stream: true }))) options.onEvent(event);
    }
    fail(0);
  })().catch(() => fail(0));

  return { close: () => controller.abort() };
}
