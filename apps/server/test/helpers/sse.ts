// A minimal SSE client over fetch for tests: collects events, waits for one.
export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

export interface SseClient {
  events: SseEvent[];
  comments: string[];
  status: number;
  waitFor(predicate: (events: SseEvent[]) => boolean, timeoutMs?: number): Promise<SseEvent[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(base: string, token: string, options: { lastEventId?: string } = {}): Promise<SseClient> {
  const controller = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
  if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
  const res = await fetch(`${base}/api/messages/stream`, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());

  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let index: number;
        while ((index = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          const event: Partial<SseEvent> & { dataLines: string[] } = { dataLines: [] };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) event.id = line.slice(4);
            else if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('data: ')) event.dataLines.push(line.slice(6));
          }
          if (event.event) {
            events.push({ id: event.id, event: event.event, data: JSON.parse(event.dataLines.join('\n')) });
            notify();
          }
        }
      }
    } catch {
      // aborted by close()
    } finally {
      notify();
    }
  })();

  return {
    events,
    comments,
    status: res.status,
    ended,
    waitFor(predicate, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(events)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(events);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SSE wait timed out; got ${JSON.stringify(events.map((e) => [e.event, e.data?.content ?? e.data?.delta]))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}

export const created = (events: SseEvent[]) => events.filter((e) => e.event === 'message.created');
