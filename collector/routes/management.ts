// The management API under /v1 (monitors, runs, pings). Every route needs
// `Authorization: Bearer <api key>` or a dashboard session (collector/auth.ts).

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MonitorJson, PingJson, RunDetailJson, RunListJson } from '../../shared/protocol.ts';
import {
  MonitorCreateBody,
  MonitorUpdateBody,
  PingListQuery,
  RunListQuery,
  RunLookupQuery,
  RunShowQuery,
} from '../../shared/schemas.ts';
import type { AppDeps } from '../app.ts';
import { guardOf } from '../auth.ts';
import { isValidSlug, slugCandidate, slugify } from '../core/slug.ts';
import { BASELINE_RUNS, buildTimeline } from '../core/step-gaps.ts';
import { HttpError, badRequest, notFound } from '../errors.ts';
import { isoTime, monitorJson, pingJson, runJson, runStepJson } from '../json.ts';
import { ConflictError, InvalidCursorError, type Monitor, type Store } from '../store/store.ts';
import { registerMonitorStatsRoutes } from './monitor-stats.ts';
import { registerStreamRoutes } from './stream.ts';

const DEFAULT_LIST_LIMIT = 50;
/** A run's detail shows at most this many of its first pings and of its last ones. */
export const TIMELINE_HEAD = 500;
export const TIMELINE_TAIL = 500;

/** Registers /v1/monitors, /v1/runs and /v1/pings behind the API key. */
export async function registerManagementRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const { store, clock, config } = deps;

  // Encapsulated: this hook guards exactly the routes registered below
  // (bearer API key, or a dashboard session cookie with its CSRF checks).
  app.addHook('onRequest', guardOf(deps));

  const baseUrl = (request: FastifyRequest): string => config.publicUrl ?? `${request.protocol}://${request.host}`;

  app.get('/v1/monitors', async (request): Promise<{ monitors: MonitorJson[] }> => {
    const monitors = await store.listMonitors();
    return { monitors: monitors.map((m) => monitorJson(m, baseUrl(request))) };
  });

  app.post<{ Body: MonitorCreateBody }>('/v1/monitors', { schema: { body: MonitorCreateBody } }, async (request, reply) => {
    const body = request.body;
    const minMs = secondsToMs(body.min_duration_seconds);
    const maxMs = secondsToMs(body.max_duration_seconds);
    checkThresholds(minMs ?? null, maxMs ?? null);
    const monitor = await createWithSlug(store, body.name.trim(), body.slug, minMs ?? null, maxMs ?? null, clock());
    reply.status(201);
    return monitorJson(monitor, baseUrl(request));
  });

  app.get<{ Params: { id: string } }>('/v1/monitors/:id', async (request) => {
    return monitorJson(await findMonitor(store, request.params.id), baseUrl(request));
  });

  app.patch<{ Params: { id: string }; Body: MonitorUpdateBody }>(
    '/v1/monitors/:id',
    { schema: { body: MonitorUpdateBody } },
    async (request) => {
      const current = await findMonitor(store, request.params.id);
      const body = request.body;
      if (body.slug !== undefined && !isValidSlug(body.slug)) throw invalidSlug(body.slug);
      const minMs = secondsToMs(body.min_duration_seconds);
      const maxMs = secondsToMs(body.max_duration_seconds);
      checkThresholds(minMs === undefined ? current.minDurationMs : minMs, maxMs === undefined ? current.maxDurationMs : maxMs);
      try {
        const updated = await store.updateMonitor(current.id, {
          ...(body.name !== undefined && { name: body.name.trim() }),
          ...(body.slug !== undefined && { slug: body.slug }),
          ...(minMs !== undefined && { minDurationMs: minMs }),
          ...(maxMs !== undefined && { maxDurationMs: maxMs }),
        });
        if (!updated) throw unknownMonitor(request.params.id);
        return monitorJson(updated, baseUrl(request));
      } catch (error) {
        throw error instanceof ConflictError ? new HttpError(409, 'slug_taken', error.message) : error;
      }
    },
  );

  app.delete<{ Params: { id: string } }>('/v1/monitors/:id', async (request, reply) => {
    const monitor = await findMonitor(store, request.params.id);
    await store.deleteMonitor(monitor.id);
    reply.status(204).send();
  });

  app.get<{ Querystring: RunListQuery }>('/v1/runs', { schema: { querystring: RunListQuery } }, async (request): Promise<RunListJson> => {
    const q = request.query;
    const limit = q.limit ?? DEFAULT_LIST_LIMIT;
    const monitor = q.monitor === undefined ? undefined : await findMonitor(store, q.monitor);
    let page;
    try {
      page = await store.listRunsPage({
        limit,
        ...(monitor && { monitorId: monitor.id }),
        ...(q.status !== undefined && { status: q.status }),
        ...(q.run_id !== undefined && { runId: q.run_id }),
        ...(q.since !== undefined && { since: Date.parse(q.since) }),
        ...(q.before !== undefined && { before: Date.parse(q.before) }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
      });
    } catch (error) {
      throw error instanceof InvalidCursorError ? badRequest('invalid_cursor', `${error.message}; pass next_cursor of a previous page`) : error;
    }
    const last = page.runs.at(-1);
    return {
      runs: page.runs.map(runJson),
      next_before: page.nextCursor !== null && last ? isoTime(last.firstSeenAt) : null,
      next_cursor: page.nextCursor,
    };
  });

  // The run id in the path, or in the query (`GET /v1/run?run_id=`): run ids "." and ".." are
  // valid, but every URL parser folds them out of a path (even as %2E), so clients use the query.
  const showRun = async (runId: string, query: RunShowQuery): Promise<RunDetailJson> => {
    const monitor = query.monitor === undefined ? undefined : await findMonitor(store, query.monitor);
    const matches = await store.listRuns({ runId, limit: 2, ...(monitor && { monitorId: monitor.id }) });
    const run = matches[0];
    if (!run) throw notFound('unknown_run', `no run "${runId.slice(0, 128)}"${monitor ? ` in monitor ${monitor.slug}` : ''}`);
    if (matches.length > 1) {
      throw new HttpError(409, 'ambiguous_run', `run id "${runId}" exists in several monitors; pass monitor=<id|slug>`);
    }
    // A very long run shows its beginning and its end (the terminal ping, the output tail), not the first 1000.
    const first = await store.listPings({ monitorId: run.monitorId, runId: run.runId, limit: TIMELINE_HEAD + TIMELINE_TAIL + 1 });
    let pings = first;
    let omittedAt: number | null = null;
    if (first.length > TIMELINE_HEAD + TIMELINE_TAIL) {
      const head = first.slice(0, TIMELINE_HEAD);
      const cut = head.at(-1)!.seq;
      const last = await store.listPings({ monitorId: run.monitorId, runId: run.runId, limit: TIMELINE_TAIL, last: true });
      pings = [...head, ...last.filter((p) => p.seq > cut)];
      omittedAt = TIMELINE_HEAD;
    }
    // ping_count was read with the run; pings that arrived since only make the tail newer.
    const omitted = omittedAt === null ? 0 : Math.max(1, run.pingCount - pings.length);
    // The same steps in earlier runs of this monitor are the yardstick for unusual gaps.
    const earlier = await store.listRuns({ monitorId: run.monitorId, before: run.firstSeenAt, limit: BASELINE_RUNS });
    const history = await Promise.all(
      earlier.map((r) => store.listPings({ monitorId: r.monitorId, runId: r.runId, limit: 1000 })),
    );
    const steps = buildTimeline(pings, run.firstSeenAt, history, undefined, omittedAt);
    return {
      ...runJson(run),
      pings: pings.map(pingJson),
      timeline: pings.map((ping, i) => runStepJson(ping, steps[i]!)),
      pings_omitted: omitted,
      pings_omitted_at: omittedAt,
      baseline_runs: earlier.length,
    };
  };
  app.get<{ Params: { run_id: string }; Querystring: RunShowQuery }>('/v1/runs/:run_id', { schema: { querystring: RunShowQuery } }, (request) =>
    showRun(request.params.run_id, request.query),
  );
  app.get<{ Querystring: RunLookupQuery }>('/v1/run', { schema: { querystring: RunLookupQuery } }, (request) =>
    showRun(request.query.run_id, request.query),
  );

  app.get<{ Querystring: PingListQuery }>('/v1/pings', { schema: { querystring: PingListQuery } }, async (request): Promise<{ pings: PingJson[] }> => {
    const q = request.query;
    const monitor = q.monitor === undefined ? undefined : await findMonitor(store, q.monitor);
    const pings = await store.listPings({
      limit: q.limit ?? DEFAULT_LIST_LIMIT,
      ...(monitor && { monitorId: monitor.id }),
      ...(q.run_id !== undefined && { runId: q.run_id }),
      ...(q.kind !== undefined && { kind: q.kind }),
      ...(q.after !== undefined && { afterSeq: q.after }),
    });
    return { pings: pings.map(pingJson) };
  });

  // Child contexts inherit the API-key hook above.
  await app.register(registerMonitorStatsRoutes, { deps });
  if (deps.feed) await app.register(registerStreamRoutes, { deps, feed: deps.feed });
}

async function createWithSlug(
  store: Store,
  name: string,
  requested: string | undefined,
  minDurationMs: number | null,
  maxDurationMs: number | null,
  now: number,
): Promise<Monitor> {
  if (name === '') throw badRequest('invalid_name', 'name must not be blank');
  if (requested !== undefined && !isValidSlug(requested)) throw invalidSlug(requested);
  const base = requested ?? slugify(name);
  // An explicit slug must be free; a derived one takes the next free suffix.
  for (let n = 1; n <= (requested === undefined ? 100 : 1); n++) {
    try {
      return await store.createMonitor({ name, slug: slugCandidate(base, n), minDurationMs, maxDurationMs }, now);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new HttpError(409, 'slug_taken', `slug "${base}" is already taken; pass another slug`);
}

async function findMonitor(store: Store, idOrSlug: string): Promise<Monitor> {
  const monitor = await store.getMonitor(idOrSlug);
  if (!monitor) throw unknownMonitor(idOrSlug);
  return monitor;
}

function unknownMonitor(idOrSlug: string): HttpError {
  return notFound('unknown_monitor', `no monitor with id or slug "${idOrSlug.slice(0, 64)}"`);
}

function invalidSlug(slug: string): HttpError {
  return badRequest('invalid_slug', `slug "${slug.slice(0, 64)}" must be lowercase letters, digits and inner dashes`);
}

function secondsToMs(seconds: number | null | undefined): number | null | undefined {
  return seconds === undefined || seconds === null ? seconds : Math.round(seconds * 1000);
}

function checkThresholds(minMs: number | null, maxMs: number | null): void {
  // A zero max is the mistake to name even when a min is set (0 < min would say "min exceeds max").
  if (maxMs === 0) throw badRequest('invalid_thresholds', 'max_duration_seconds must be greater than 0');
  if (minMs !== null && maxMs !== null && minMs > maxMs) {
    throw badRequest('invalid_thresholds', 'min_duration_seconds must not exceed max_duration_seconds');
  }
}
