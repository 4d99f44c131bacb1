// GET /v1/stream: every stored ping and every raised run event, pushed as
// Server-Sent Events. Registered inside the management routes, so it takes
// the same API key. Each connection reads the store after its own cursor
// (`<ping seq>-<event id>`, sent as the SSE id) whenever the live feed says
// something was committed: a client reconnecting with Last-Event-ID is
// replayed what it missed, across collector restarts too.

import type { FastifyInstance } from 'fastify';
import type { StreamHelloJson } from '../../shared/protocol.ts';
import { StreamQuery } from '../../shared/schemas.ts';
import type { AppDeps } from '../app.ts';
import { formatCursor, mergeFeed, parseCursor, type StreamCursor } from '../core/stream-cursor.ts';
import { badRequest, notFound } from '../errors.ts';
import { streamPingJson, streamRunEventJson } from '../json.ts';
import type { LiveFeed } from '../live-feed.ts';
import type { Store } from '../store/store.ts';

/** Items read from the store per round; a backlog is sent in pages of this. */
const PAGE = 200;
/** A comment line this often keeps proxies from closing an idle stream and lets clients notice a dead one. */
export const KEEPALIVE_MS = 15_000;

/** Registers GET /v1/stream; `feed` signals commits. */
export async function registerStreamRoutes(app: FastifyInstance, { deps, feed }: { deps: AppDeps; feed: LiveFeed }): Promise<void> {
  const { store } = deps;

  app.get<{ Querystring: StreamQuery }>('/v1/stream', { schema: { querystring: StreamQuery } }, async (request, reply) => {
    const q = request.query;
    const monitor = q.monitor === undefined ? null : await store.getMonitor(q.monitor);
    if (q.monitor !== undefined && !monitor) throw notFound('unknown_monitor', `no monitor with id or slug "${q.monitor.slice(0, 64)}"`);
    const header = request.headers['last-event-id'];
    const resumeText = (Array.isArray(header) ? header[0] : header) ?? q.last_event_id;
    const resume = resumeText === undefined || resumeText === '' ? null : parseCursor(resumeText);
    if (resumeText !== undefined && resumeText !== '' && !resume) {
      throw badRequest('invalid_cursor', `Last-Event-ID "${resumeText.slice(0, 40)}" is not a stream cursor (<ping seq>-<event id>)`);
    }
    const tip = await readTip(store);
    // A cursor from a newer (or another) database would wait forever for ids it already passed.
    let cursor: StreamCursor = resume
      ? { pingSeq: Math.min(resume.pingSeq, tip.pingSeq), eventId: Math.min(resume.eventId, tip.eventId) }
      : tip;
    const monitorFilter = monitor ? { monitorId: monitor.id } : {};

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const hello: StreamHelloJson = { type: 'hello', cursor: formatCursor(cursor) };
    res.write(`retry: 1000\nid: ${hello.cursor}\nevent: hello\ndata: ${JSON.stringify(hello)}\n\n`);

    let closed = false;
    let reading = false;
    let again = false;

    const pump = async (): Promise<void> => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          // Filtered: note the tip first, so a quiet monitor's cursor can skip past other monitors' items.
          const tipBefore = monitor ? await readTip(store) : null;
          const [pings, events] = await Promise.all([
            store.listPings({ ...monitorFilter, afterSeq: cursor.pingSeq, limit: PAGE }),
            store.listRunEvents({ ...monitorFilter, afterId: cursor.eventId, limit: PAGE }),
          ]);
          if (closed) return;
          const cut = { pings: pings.length === PAGE, events: events.length === PAGE };
          const merged = mergeFeed(pings, events, cut, cursor);
          let chunk = '';
          for (const entry of merged.items) {
            const id = formatCursor(entry.cursor);
            const data =
              entry.kind === 'ping' ? streamPingJson(entry.item, id) : streamRunEventJson(entry.item, id);
            chunk += `id: ${id}\nevent: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
          }
          cursor = merged.cursor;
          if (tipBefore && !cut.pings && !cut.events) {
            // Every match up to the tip was read and sent: later reads need not scan those rows again.
            cursor = { pingSeq: Math.max(cursor.pingSeq, tipBefore.pingSeq), eventId: Math.max(cursor.eventId, tipBefore.eventId) };
          }
          if (chunk !== '' && !res.write(chunk)) await drained(res);
          if (cut.pings || cut.events) again = true;
        } while (again && !closed);
      } catch (error) {
        request.log.error({ err: error }, 'stream read failed');
        stop(); // the client reconnects with its last id and is replayed from the store
      } finally {
        reading = false;
      }
    };

    // The keepalive also carries the cursor (an id-only event): a filtered client that saw
    // nothing for a while resumes from here, not from its last item.
    const keepalive = setInterval(() => {
      if (!closed && !reading) res.write(`: keepalive\nid: ${formatCursor(cursor)}\n\n`);
    }, KEEPALIVE_MS);
    keepalive.unref();

    let unsubscribe = (): void => undefined;
    function stop(): void {
      if (closed) return;
      closed = true;
      clearInterval(keepalive);
      unsubscribe();
      res.end();
    }
    unsubscribe = feed.subscribe({ wake: () => void pump(), end: () => stop() });
    res.on('close', stop);
    void pump(); // replay what the client missed (nothing when it starts at the tip)
  });
}

// The newest ping seq and run event id: where a fresh stream starts.
async function readTip(store: Store): Promise<StreamCursor> {
  const [pings, events] = await Promise.all([store.listPings({ limit: 1 }), store.listRunEvents({ limit: 1 })]);
  return { pingSeq: pings[0]?.seq ?? 0, eventId: events[0]?.id ?? 0 };
}

function drained(res: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
