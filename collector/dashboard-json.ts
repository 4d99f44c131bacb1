// Wire shapes of the dashboard's endpoints (analytics, overview), converted
// from stored records the same way json.ts does for the rest of the API:
// snake_case, ISO 8601 UTC, durations in ms.

import type { AnalyticsBucketJson, AnalyticsJson, AnalyticsRange, MonitorOverviewJson, MonitorJson } from '../shared/protocol.ts';
import { BUCKET_MS } from '../shared/protocol.ts';
import type { MonitorSummary } from './core/monitor-overview.ts';
import { successRate, type PingBucket } from './core/ping-buckets.ts';
import { eventJson, isoTime } from './json.ts';

/** One analytics bucket as the API shows it. */
export function bucketJson(bucket: PingBucket): AnalyticsBucketJson {
  return {
    start: new Date(bucket.bucketStart).toISOString(),
    success: bucket.successes,
    failure: bucket.failures,
    auto_failed: bucket.autoFailed,
    starts: bucket.starts,
    logs: bucket.logs,
    success_rate: successRate(bucket),
    avg_duration_ms: bucket.durationCount === 0 ? null : Math.round(bucket.durationSumMs / bucket.durationCount),
  };
}

/** A monitor's analytics over [from, to) as the API shows them. */
export function analyticsJson(monitorId: string, range: AnalyticsRange, from: number, to: number, buckets: PingBucket[]): AnalyticsJson {
  const totals = { success: 0, failure: 0, auto_failed: 0, starts: 0, logs: 0 };
  for (const b of buckets) {
    totals.success += b.successes;
    totals.failure += b.failures;
    totals.auto_failed += b.autoFailed;
    totals.starts += b.starts;
    totals.logs += b.logs;
  }
  return {
    monitor_id: monitorId,
    range,
    bucket_seconds: BUCKET_MS / 1000,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    buckets: buckets.map(bucketJson),
    totals: { ...totals, success_rate: successRate({ successes: totals.success, failures: totals.failure, autoFailed: totals.auto_failed }) },
  };
}

/** One row of the monitors overview as the API shows it. */
export function monitorOverviewJson(monitor: MonitorJson, summary: MonitorSummary): MonitorOverviewJson {
  return {
    monitor,
    state: summary.state,
    running: summary.running,
    last_run_at: isoTime(summary.lastRunAt),
    last_status: summary.lastStatus,
    success_rate: summary.successRate,
    p95_duration_ms: summary.p95DurationMs,
    runs_counted: summary.runsCounted,
    open_events: summary.openEvents.map((e) => ({ ...eventJson(e), run_id: e.runId })),
  };
}
