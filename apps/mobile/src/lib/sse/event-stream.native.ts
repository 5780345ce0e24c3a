import EventSource from 'react-native-sse';
import type { EventStreamHandle, EventStreamOptions } from './event-stream.types';

type StreamEvents = 'message.created' | 'message.updated' | 'message.delta';
const EVENT_TYPES: StreamEvents[] = ['message.created', 'message.updated', 'message.delta'];

/**
 * Server-sent events on iOS and Android, where fetch cannot stream: react-native-sse
 * reads the response over XMLHttpRequest. When the server ends a stream normally it
 * reconnects by itself with Last-Event-ID; on any error the caller takes over
 * (refresh the token on 401, back off otherwise).
 */
export function openEventStream(options: EventStreamOptions): EventStreamHandle {
  const source = new EventSource<StreamEvents>(options.url, {
    headers: { Accept: 'text/event-stream', ...options.headers },
    pollingInterval: 1000,
    timeoutBeforeConnection: 0,
  });
  // The library sends its lastEventId as Last-Event-ID on every (re)connect; the
  // first connect happens on a timer, after this assignment.
  (source as unknown as { lastEventId: string | null }).lastEventId = options.lastEventId;
  let closed = false;
  const stop = () => {
    closed = true;
    source.removeAllEventListeners();
    source.close();
  };
  source.addEventListener('open', () => options.onOpen());
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (event) => {
      if (event.data !== null) options.onEvent({ type, data: event.data, id: event.lastEventId ?? null });
    });
  }
  source.addEventListener('error', (event) => {
    if (closed) return;
    stop();
    options.onError({ status: 'xhrStatus' in event ? event.xhrStatus : 0 });
  });
  return { close: stop };
}
