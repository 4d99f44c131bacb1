// GET /v1/monitors/:id/stats: a monitor's latest runs summarised (counts,
// success rate, duration summary and histogram, thresholds). The CLI's
// `monitors show` and the dashboard read this one answer. Registered inside
// the management routes, so it takes the same API key.

import type { FastifyInstance } from 'fastify';
import type { MonitorStatsJson } from '../../shared/protocol.ts';
import { MonitorStatsQuery } from '../../shared/schemas.ts';
import type { AppDeps } from '../app.ts';
import { DEFAULT_HISTOGRAM_BUCKETS, DEFAULT_STATS_WINDOW, summariseRuns } from '../core/run-stats.ts';
import { notFound } from '../errors.ts';
import { monitorStatsJson } from '../json.ts';

/** Registers GET /v1/monitors/:id/stats. */
export async function registerMonitorStatsRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const { store } = deps;
  app.get<{ Params: { id: string }; Querystring: MonitorStatsQuery }>(
    '/v1/monitors/:id/stats',
    { schema: { querystring: MonitorStatsQuery } },
    async (request): Promise<MonitorStatsJson> => {
      const monitor = await store.getMonitor(request.params.id);
      if (!monitor) throw notFound('unknown_monitor', `no monitor with id or slug "${request.params.id.slice(0, 64)}"`);
      const window = request.query.runs ?? DEFAULT_STATS_WINDOW;
      const outcomes = await store.listRunOutcomes(monitor.id, window);
      const stats = summariseRuns(outcomes, monitor, request.query.buckets ?? DEFAULT_HISTOGRAM_BUCKETS);
      return monitorStatsJson(monitor, window, stats);
    },
  );
}
