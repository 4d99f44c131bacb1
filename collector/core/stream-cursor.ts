// Where a live stream stands, and how pings and run events read after it are
// merged into one ordered feed. Pings carry a global `seq`, run events a global
// `id` (both stored), so the pair is a position that survives a restart: a
// client that reconnects with it as Last-Event-ID is replayed what it missed.

/** The last ping seq and run event id a stream client has seen. */
export interface StreamCursor {
  pingSeq: number;
  eventId: number;
}

/** "<ping seq>-<event id>", the SSE event id. */
export function formatCursor(cursor: StreamCursor): string {
  return `${cursor.pingSeq}-${cursor.eventId}`;
}

/** Parses a cursor made by formatCursor; null for anything else. */
export function parseCursor(text: string): StreamCursor | null {
  const match = /^(\d{1,15})-(\d{1,15})$/.exec(text.trim());
  if (!match) return null;
  return { pingSeq: Number(match[1]), eventId: Number(match[2]) };
}

export interface FeedPing {
  seq: number;
  receivedAt: number;
}

export interface FeedEvent {
  id: number;
  at: number;
}

export type Merged<P, E> = { kind: 'ping'; item: P; cursor: StreamCursor } | { kind: 'event'; item: E; cursor: StreamCursor };

/**
 * Merges a page of pings (ascending seq) and a page of events (ascending id)
 * read after `cursor` into time order; a ping goes before an event of the same
 * millisecond (the ping raised it). When a page was cut at its limit, nothing
 * later than its last item is emitted: the next read continues from there, so
 * order holds across pages and nothing is skipped.
 */
export function mergeFeed<P extends FeedPing, E extends FeedEvent>(
  pings: readonly P[],
  events: readonly E[],
  cut: { pings: boolean; events: boolean },
  cursor: StreamCursor,
): { items: Array<Merged<P, E>>; cursor: StreamCursor } {
  const horizon = Math.min(
    cut.pings && pings.length > 0 ? pings.at(-1)!.receivedAt : Infinity,
    cut.events && events.length > 0 ? events.at(-1)!.at : Infinity,
  );
  const items: Array<Merged<P, E>> = [];
  let { pingSeq, eventId } = cursor;
  let p = 0;
  let e = 0;
  for (;;) {
    const ping = pings[p];
    const event = events[e];
    const takePing = ping !== undefined && (event === undefined || ping.receivedAt <= event.at);
    if (takePing) {
      if (ping.receivedAt > horizon) break;
      pingSeq = Math.max(pingSeq, ping.seq);
      items.push({ kind: 'ping', item: ping, cursor: { pingSeq, eventId } });
      p += 1;
    } else if (event !== undefined) {
      if (event.at > horizon) break;
      eventId = Math.max(eventId, event.id);
      items.push({ kind: 'event', item: event, cursor: { pingSeq, eventId } });
      e += 1;
    } else {
      break;
    }
  }
  return { items, cursor: { pingSeq, eventId } };
}
