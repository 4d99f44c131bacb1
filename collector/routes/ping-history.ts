// GET /v1/pings/history: every ping with its payload, newest first, filtered
// by monitor, kind and time and searched over message and payload bodies
// (FTS5). The same filter drives the CSV export (./export.ts).

import type { FastifyInstance } from 'fastify';
import type { PingHistoryJson } from '../../shared/protocol.ts';
import { PingHistoryQuery, type PingExportQuery } from '../../shared/schemas.ts';
import type { AppDeps } from '../app.ts';
import { guardOf } from '../auth.ts';
import { searchTerms } from '../core/search-query.ts';
import { notFound } from '../errors.ts';
import { pingJson } from '../json.ts';
import type { Monitor, PingSearch, Store } from '../store/store.ts';

const DEFAULT_HISTORY_LIMIT = 100;

/** A ping filter resolved against the store; `matchesNothing` when the search text has no word. */
export interface ResolvedPingFilter {
  filter: PingSearch;
  monitor: Monitor | null;
  matchesNothing: boolean;
}

/** Turns the query of the history or export route into a store filter. */
export async function resolvePingFilter(store: Store, query: PingExportQuery): Promise<ResolvedPingFilter> {
  const monitor = query.monitor === undefined ? null : await store.getMonitor(query.monitor);
  if (query.monitor !== undefined && !monitor) {
    throw notFound('unknown_monitor', `no monitor with id or slug "${query.monitor.slice(0, 64)}"`);
  }
  const text = query.q?.trim() ?? '';
  const terms = searchTerms(text);
  return {
    monitor,
    matchesNothing: text !== '' && terms.length === 0,
    filter: {
      ...(monitor && { monitorId: monitor.id }),
      ...(query.kind !== undefined && { kind: query.kind }),
      ...(query.since !== undefined && { since: Date.parse(query.since) }),
      ...(query.until !== undefined && { until: Date.parse(query.until) }),
      ...(terms.length > 0 && { terms }),
    },
  };
}

/** Registers the ping history route behind the API key or a session. */
export async function registerPingHistoryRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const { store } = deps;
  app.addHook('onRequest', guardOf(deps));

  app.get<{ Querystring: PingHistoryQuery }>(
    '/v1/pings/history',
    { schema: { querystring: PingHistoryQuery } },
    async (request): Promise<PingHistoryJson> => {
      const q = request.query;
      const { filter, matchesNothing } = await resolvePingFilter(store, q);
      if (matchesNothing) return { pings: [], next_cursor: null };
      const limit = q.limit ?? DEFAULT_HISTORY_LIMIT;
      const [at, seq] = q.cursor === undefined ? [] : q.cursor.split('.').map(Number);
      const cursor = at !== undefined && seq !== undefined ? { receivedAt: at, seq } : undefined;
      const pings = await store.searchPings(filter, limit + 1, cursor);
      const page = pings.slice(0, limit);
      const last = page.at(-1);
      return {
        pings: page.map(pingJson),
        // "<received_at ms>.<seq>": the exact position, so pings of one millisecond are neither repeated nor skipped.
        next_cursor: pings.length > limit && last ? `${last.receivedAt}.${last.seq}` : null,
      };
    },
  );
}
