// GET /v1/monitors/:id/analytics (30-minute buckets over 24h/7d/30d) and
// GET /v1/overview (every monitor's state for the monitors page). Both read
// pre-aggregated or bounded data: buckets, and at most 100 runs per monitor.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AnalyticsJson, OverviewJson } from '../../shared/protocol.ts';
import { AnalyticsQuery } from '../../shared/schemas.ts';
import type { AppDeps } from '../app.ts';
import { guardOf } from '../auth.ts';
import { OVERVIEW_RUNS, summarizeMonitor } from '../core/monitor-overview.ts';
import { analyticsWindow } from '../core/ping-buckets.ts';
import { analyticsJson, monitorOverviewJson } from '../dashboard-json.ts';
import { notFound } from '../errors.ts';
import { monitorJson } from '../json.ts';

/** Registers the analytics and overview routes behind the API key or a session. */
export async function registerAnalyticsRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const { store, clock, config } = deps;
  app.addHook('onRequest', guardOf(deps));
  const baseUrl = (request: FastifyRequest): string => config.publicUrl ?? `${request.protocol}://${request.host}`;

  app.get<{ Params: { id: string }; Querystring: AnalyticsQuery }>(
    '/v1/monitors/:id/analytics',
    { schema: { querystring: AnalyticsQuery } },
    async (request): Promise<AnalyticsJson> => {
      const monitor = await store.getMonitor(request.params.id);
      if (!monitor) throw notFound('unknown_monitor', `no monitor with id or slug "${request.params.id.slice(0, 64)}"`);
      const range = request.query.range ?? '24h';
      const end = request.query.end === undefined ? clock() : Date.parse(request.query.end);
      const { from, to } = analyticsWindow(range, end);
      return analyticsJson(monitor.id, range, from, to, await store.listPingBuckets(monitor.id, from, to));
    },
  );

  app.get('/v1/overview', async (request): Promise<OverviewJson> => {
    const now = clock();
    const [monitors, recent] = await Promise.all([store.listMonitors(), store.listRecentRunsByMonitor(OVERVIEW_RUNS)]);
    const base = baseUrl(request);
    return {
      generated_at: new Date(now).toISOString(),
      monitors: monitors.map((m) => monitorOverviewJson(monitorJson(m, base), summarizeMonitor(recent.get(m.id) ?? [], now))),
    };
  });
}
