import { describe, expect, test } from 'vitest';
import { formatCursor, mergeFeed, parseCursor } from './stream-cursor.ts';

describe('cursor text', () => {
  test.each([
    ['0-0', { pingSeq: 0, eventId: 0 }],
    ['123-45', { pingSeq: 123, eventId: 45 }],
    [' 7-9 ', { pingSeq: 7, eventId: 9 }],
    ['', null],
    ['12', null],
    ['-1-2', null],
    ['1-2-3', null],
    ['a-b', null],
    ['1e3-2', null],
    ['1234567890123456-1', null],
  ])('parseCursor(%j)', (text, expected) => {
    expect(parseCursor(text)).toEqual(expected);
  });

  test('round trip', () => {
    expect(parseCursor(formatCursor({ pingSeq: 98765, eventId: 4321 }))).toEqual({ pingSeq: 98765, eventId: 4321 });
  });
});

const ping = (seq: number, receivedAt: number) => ({ seq, receivedAt });
const event = (id: number, at: number) => ({ id, at });
const describeItems = (items: ReturnType<typeof mergeFeed>['items']) =>
  items.map((m) => `${m.kind === 'ping' ? `p${m.item.seq}` : `e${(m.item as { id: number }).id}`}@${m.cursor.pingSeq}-${m.cursor.eventId}`);

describe('mergeFeed', () => {
  test.each([
    ['nothing new', [], [], { pings: false, events: false }, [], '5-2'],
    ['pings only', [ping(6, 100), ping(7, 110)], [], { pings: false, events: false }, ['p6@6-2', 'p7@7-2'], '7-2'],
    [
      'time order; a ping goes before the event of the same ms',
      [ping(6, 100), ping(7, 200)],
      [event(3, 150), event(4, 200)],
      { pings: false, events: false },
      ['p6@6-2', 'e3@6-3', 'p7@7-3', 'e4@7-4'],
      '7-4',
    ],
    [
      'a cut ping page holds back later events for the next read',
      [ping(6, 100), ping(7, 200)],
      [event(3, 150), event(4, 250)],
      { pings: true, events: false },
      ['p6@6-2', 'e3@6-3', 'p7@7-3'],
      '7-3',
    ],
    [
      'a cut event page holds back later pings',
      [ping(6, 100), ping(7, 300)],
      [event(3, 50), event(4, 200)],
      { pings: false, events: true },
      ['e3@5-3', 'p6@6-3', 'e4@6-4'],
      '6-4',
    ],
  ])('%s', (_name, pings, events, cut, expected, cursorAfter) => {
    const merged = mergeFeed(pings, events, cut, { pingSeq: 5, eventId: 2 });
    expect(describeItems(merged.items)).toEqual(expected);
    expect(formatCursor(merged.cursor)).toBe(cursorAfter);
  });

  test('events sorted by id but not by time still come out in time order', () => {
    const merged = mergeFeed([ping(6, 100), ping(7, 200)], [event(3, 200), event(4, 150)], { pings: false, events: false }, { pingSeq: 5, eventId: 2 });
    // e3 (t=200) is read before e4 (t=150) by id; the merge walks each list in its own order.
    expect(describeItems(merged.items)).toEqual(['p6@6-2', 'p7@7-2', 'e3@7-3', 'e4@7-4']);
  });
});
