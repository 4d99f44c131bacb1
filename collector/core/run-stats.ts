// Statistics over a monitor's recent runs: counts, success rate, duration
// summary and a duration histogram. Pure: the store hands over the outcomes,
// the route turns the result into JSON. The CLI's `monitors show` and the
// dashboard both read this one computation through GET /v1/monitors/:id/stats.

import type { RunStatus } from '../../shared/protocol.ts';

/** What stats need of a run. */
export interface RunOutcome {
  status: RunStatus;
  /** Null while running and for runs the watchdog closed without a terminal ping. */
  durationMs: number | null;
  /** started_at, or first_seen_at for runs without /start. */
  startedAt: number;
}

export interface DurationSummary {
  count: number;
  minMs: number;
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface HistogramBucket {
  /** Inclusive lower edge. */
  fromMs: number;
  /** Exclusive upper edge, except the last bucket which includes it. */
  toMs: number;
  count: number;
}

export interface RunStats {
  runs: number;
  running: number;
  success: number;
  failed: number;
  /** success / (success + failed); null when nothing finished. */
  successRate: number | null;
  durations: DurationSummary | null;
  histogram: HistogramBucket[];
  /**
   * Finished runs longer than max; successful runs shorter than min (what DURATION_LOW flags: a
   * failure that ended early is a failure, not a suspiciously quick success). Null without that threshold.
   */
  aboveMax: number | null;
  belowMin: number | null;
  firstStartedAt: number | null;
  lastStartedAt: number | null;
}

export const DEFAULT_STATS_WINDOW = 100;
export const DEFAULT_HISTOGRAM_BUCKETS = 10;

/** Summarises `outcomes` (any order) against the monitor's thresholds. */
export function summariseRuns(
  outcomes: readonly RunOutcome[],
  thresholds: { minDurationMs: number | null; maxDurationMs: number | null },
  bucketCount: number = DEFAULT_HISTOGRAM_BUCKETS,
): RunStats {
  let running = 0;
  let success = 0;
  let failed = 0;
  const durations: number[] = [];
  const successDurations: number[] = [];
  for (const run of outcomes) {
    if (run.status === 'running') running += 1;
    else if (run.status === 'success') success += 1;
    else failed += 1;
    if (run.status !== 'running' && run.durationMs !== null) durations.push(run.durationMs);
    if (run.status === 'success' && run.durationMs !== null) successDurations.push(run.durationMs);
  }
  durations.sort((a, b) => a - b);
  const starts = outcomes.map((r) => r.startedAt);
  const { minDurationMs, maxDurationMs } = thresholds;
  return {
    runs: outcomes.length,
    running,
    success,
    failed,
    successRate: success + failed === 0 ? null : success / (success + failed),
    durations: summariseDurations(durations),
    histogram: bucketDurations(durations, bucketCount),
    aboveMax: maxDurationMs === null ? null : durations.filter((d) => d > maxDurationMs).length,
    belowMin: minDurationMs === null ? null : successDurations.filter((d) => d < minDurationMs).length,
    firstStartedAt: starts.length === 0 ? null : Math.min(...starts),
    lastStartedAt: starts.length === 0 ? null : Math.max(...starts),
  };
}

/** Nearest-rank percentile of an ascending list: the smallest value with at least p% of values at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty list');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Equal-width buckets from the shortest to the longest duration (ascending input). */
export function bucketDurations(sorted: readonly number[], bucketCount: number): HistogramBucket[] {
  if (sorted.length === 0 || bucketCount < 1) return [];
  const min = sorted[0]!;
  const max = sorted.at(-1)!;
  if (min === max) return [{ fromMs: min, toMs: max, count: sorted.length }];
  const width = (max - min) / bucketCount;
  const buckets: HistogramBucket[] = Array.from({ length: bucketCount }, (_, i) => ({
    fromMs: Math.round(min + i * width),
    toMs: i === bucketCount - 1 ? max : Math.round(min + (i + 1) * width),
    count: 0,
  }));
  for (const value of sorted) {
    const index = Math.min(bucketCount - 1, Math.floor((value - min) / width));
    buckets[index]!.count += 1;
  }
  return buckets;
}

function summariseDurations(sorted: readonly number[]): DurationSummary | null {
  if (sorted.length === 0) return null;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    minMs: sorted[0]!,
    avgMs: Math.round(sum / sorted.length),
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted.at(-1)!,
  };
}
