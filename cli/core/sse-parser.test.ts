import { describe, expect, test } from 'vitest';
import { SseParser, type SseEvent } from './sse-parser.ts';

function parse(chunks: string[]): { events: SseEvent[]; parser: SseParser } {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const chunk of chunks) parser.push(chunk);
  return { events, parser };
}

const STREAM = 'retry: 1000\nid: 0-0\nevent: hello\ndata: {"a":1}\n\n: keepalive\n\nid: 1-0\nevent: ping\ndata: {"b":2}\n\n';

describe('SseParser', () => {
  test('named events with ids, comments skipped, retry kept', () => {
    const { events, parser } = parse([STREAM]);
    expect(events).toEqual([
      { event: 'hello', data: '{"a":1}', id: '0-0' },
      { event: 'ping', data: '{"b":2}', id: '1-0' },
    ]);
    expect(parser.lastEventId).toBe('1-0');
    expect(parser.retryMs).toBe(1000);
  });

  test.each([1, 2, 3, 7, 13])('the same events whatever the chunk size (%i)', (size) => {
    const chunks: string[] = [];
    for (let i = 0; i < STREAM.length; i += size) chunks.push(STREAM.slice(i, i + size));
    expect(parse(chunks).events).toEqual(parse([STREAM]).events);
  });

  test.each([
    ['\\r\\n line ends', 'data: x\r\nid: 5\r\n\r\n', [{ event: 'message', data: 'x', id: '5' }]],
    ['\\r line ends', 'data: x\r\r', [{ event: 'message', data: 'x', id: null }]],
    ['multi-line data', 'data: a\ndata: b\n\n', [{ event: 'message', data: 'a\nb', id: null }]],
    ['no space after the colon', 'data:x\n\n', [{ event: 'message', data: 'x', id: null }]],
    ['field without a colon', 'data\n\n', [{ event: 'message', data: '', id: null }]],
    ['an event without data is not dispatched', 'event: ping\nid: 3\n\n', []],
    ['unknown fields ignored', 'foo: bar\ndata: y\n\n', [{ event: 'message', data: 'y', id: null }]],
    ['incomplete event waits for its blank line', 'data: z\n', []],
  ])('%s', (_name, text, expected) => {
    expect(parse([text]).events).toEqual(expected);
  });

  test('\\r\\n split across chunks is one line end', () => {
    expect(parse(['data: x\r', '\n\r', '\n']).events).toEqual([{ event: 'message', data: 'x', id: null }]);
  });

  test('reset drops a half-read event and the id it carried', () => {
    const events: SseEvent[] = [];
    const parser = new SseParser((e) => events.push(e));
    parser.push('id: 7-1\ndata: done\n\nid: 8-1\ndata: half');
    parser.reset();
    parser.push('\n\n');
    expect(events).toEqual([{ event: 'message', data: 'done', id: '7-1' }]);
    expect(parser.lastEventId).toBe('7-1');
  });
});
