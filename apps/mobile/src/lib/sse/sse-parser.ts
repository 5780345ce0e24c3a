export type SseEvent = { type: string; data: string; id: string | null };

/**
 * Incremental parser of the text/event-stream format (WHATWG HTML, "Server-sent
 * events"): feed it chunks as they arrive, get back the complete events.
 */
export function createSseParser() {
  let buffer = '';
  let type = '';
  let data: string[] = [];
  let id: string | null = null;
  let hasData = false;

  function line(text: string, out: SseEvent[]) {
    if (text === '') {
      if (hasData) out.push({ type: type || 'message', data: data.join('\n'), id });
      type = '';
      data = [];
      hasData = false;
      return;
    }
    if (text.startsWith(':')) return; // comment: a heartbeat
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') {
      data.push(value);
      hasData = true;
    } else if (field === 'id' && !value.includes('\0')) id = value;
  }

  return {
    feed(chunk: string): SseEvent[] {
      buffer += chunk;
      const out: SseEvent[] = [];
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        if (!match) break;
        // A lone \r at the end may be the first half of \r\n: wait for more.
        if (match[0] === '\r' && match.index === buffer.length - 1) break;
        line(buffer.slice(0, match.index), out);
        buffer = buffer.slice(match.index + match[0].length);
      }
      return out;
    },
  };
}
