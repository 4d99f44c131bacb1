// GET /v1/pings/export.csv: the pings a history filter selects, as RFC 4180
// CSV in arrival order. Streamed: the store hands out bounded pages and the
// next page is read only when the socket has taken the previous one
// (Readable.from pulls from the generator on demand), so a million pings
// export in constant memory.

import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { PingExportQuery } from '../../shared/schemas.ts';
import type { AppDeps } from '../app.ts';
import { guardOf } from '../auth.ts';
import { csvRow, type CsvValue } from '../core/csv.ts';
import type { PingSearch, Store, StoredPing } from '../store/store.ts';
import { resolvePingFilter } from './ping-history.ts';

/** Pings per page read from the store; at 10 KB of payload each, a page stays under 5 MB. */
const EXPORT_PAGE_SIZE = 500;

/** The CSV header row, in column order. */
export const EXPORT_COLUMNS = [
  'received_at',
  'monitor',
  'run_id',
  'kind',
  'message',
  'exit_code',
  'duration_ms',
  'payload',
  'payload_size',
  'truncated',
  'content_type',
  'sent_at',
  'late',
  'ping_id',
] as const;

/** Registers the CSV export behind the API key or a session. */
export async function registerExportRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const { store, clock } = deps;
  app.addHook('onRequest', guardOf(deps));

  app.get<{ Querystring: PingExportQuery }>('/v1/pings/export.csv', { schema: { querystring: PingExportQuery } }, async (request, reply) => {
    const { filter, monitor, matchesNothing } = await resolvePingFilter(store, request.query);
    const stamp = new Date(clock()).toISOString().replace(/[:.]/g, '-');
    reply
      .header('content-type', 'text/csv; charset=utf-8; header=present')
      .header('content-disposition', `attachment; filename="drumbeats-pings-${monitor?.slug ?? 'all'}-${stamp}.csv"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff');
    return reply.send(Readable.from(csvChunks(store, filter, matchesNothing), { objectMode: false }));
  });
}

async function* csvChunks(store: Store, filter: PingSearch, matchesNothing: boolean): AsyncGenerator<string> {
  yield csvRow(EXPORT_COLUMNS);
  if (matchesNothing) return;
  const slugs = new Map((await store.listMonitors()).map((m) => [m.id, m.slug]));
  for await (const page of store.exportPings(filter, EXPORT_PAGE_SIZE)) {
    yield page.map((ping) => csvRow(exportCells(ping, slugs.get(ping.monitorId) ?? ping.monitorId))).join('');
  }
}

/** The cells of one ping, in EXPORT_COLUMNS order. */
function exportCells(ping: StoredPing, monitor: string): CsvValue[] {
  return [
    new Date(ping.receivedAt).toISOString(),
    monitor,
    ping.runId,
    ping.kind,
    ping.message,
    ping.exitCode,
    ping.durationMs,
    ping.payload,
    ping.payloadSize,
    ping.truncated,
    ping.contentType,
    ping.sentAt,
    ping.late,
    ping.pingId,
  ];
}
