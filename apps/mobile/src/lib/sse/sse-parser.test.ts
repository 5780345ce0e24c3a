import { createSseParser } from './sse-parser';

describe('SSE parser', () => {
  it('when events arrive split across chunks, then each is emitted once complete', () => {
    const parser = createSseParser();
    expect(parser.feed('retry: 3000\n\nid: a\nevent: message.created\nda')).toEqual([]);
    expect(parser.feed('ta: {"x":1}\n\n: heartbeat\n\nevent: message.delta\ndata: {"d":2}\r\n\r\n')).toEqual([
      { type: 'message.created', data: '{"x":1}', id: 'a' },
      { type: 'message.delta', data: '{"d":2}', id: 'a' },
    ]);
  });

  it('when an event has several data lines, then they are joined with newlines', () => {
    const parser = createSseParser();
    expect(parser.feed('data: one\ndata: two\n\n')).toEqual([{ type: 'message', data: 'one\ntwo', id: null }]);
  });

  it('when a chunk ends between \\r and \\n, then no empty event is made up', () => {
    const parser = createSseParser();
    expect(parser.feed('data: x\r')).toEqual([]);
    expect(parser.feed('\n\r\n')).toEqual([{ type: 'message', data: 'x', id: null }]);
  });
});
