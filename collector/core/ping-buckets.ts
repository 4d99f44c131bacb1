// Analytics buckets as pure functions: which 30-minute UTC bucket a time
// falls in, what one ping adds to its bucket, and the window a range covers.
// The store keeps one pre-aggregated row per (monitor, bucket) so a month of
// analytics reads at most 1,440 rows whatever the ping volume.

import { ANALYTICS_RANGES, BUCKET_MS, type AnalyticsRange, type PingKind, type RunStatus } from '../../shared/protocol.ts';

/** Counters of one bucket; every field is additive. */
export interface BucketCounts {
  starts: number;
  logs: number;
  successes: number;
  failures: number;
  autoFailed: number;
  durationSumMs: number;
  durationCount: number;
}

export interface PingBucket extends BucketCounts {
  /** Start of the bucket, ms since the epoch; a UTC multiple of BUCKET_MS. */
  bucketStart: number;
}

/** Start of the 30-minute UTC bucket holding `ms`. */
export function bucketStart(ms: number): number {
  return Math.floor(ms / BUCKET_MS) * BUCKET_MS;
}

/** An all-zero bucket. */
export function emptyCounts(): BucketCounts {
  return { starts: 0, logs: 0, successes: 0, failures: 0, autoFailed: 0, durationSumMs: 0, durationCount: 0 };
}

/**
 * What one stored ping adds to its bucket. `outcome` is the outcome a
 * terminal ping states; `closedDurationMs` is the duration of the run this
 * ping closed (null when it closed none, or the run has no duration).
 */
export function pingBucketDelta(kind: PingKind, outcome: RunStatus | null, closedDurationMs: number | null): BucketCounts {
  const delta = emptyCounts();
  if (kind === 'start') delta.starts = 1;
  else if (kind === 'log') delta.logs = 1;
  else if (outcome === 'success') delta.successes = 1;
  else delta.failures = 1;
  if (closedDurationMs !== null) {
    delta.durationSumMs = closedDurationMs;
    delta.durationCount = 1;
  }
  return delta;
}

/** What a run closed by the watchdog adds to the bucket of its closing time. */
export function watchdogBucketDelta(): BucketCounts {
  return { ...emptyCounts(), autoFailed: 1 };
}

/**
 * The [from, to) window of a range ending at `end`: `to` is the end of the
 * bucket holding `end`, so the newest bucket is always whole and the window
 * holds exactly range / 30 min buckets.
 */
export function analyticsWindow(range: AnalyticsRange, end: number): { from: number; to: number } {
  const to = bucketStart(end) + BUCKET_MS;
  return { from: to - ANALYTICS_RANGES[range], to };
}

/**
 * Share of successes among finished outcomes, null when there are none. A run
 * the watchdog closed is a failure like any other: without it, a monitor whose
 * runs all hang would read 100%.
 */
export function successRate(counts: Pick<BucketCounts, 'successes' | 'failures' | 'autoFailed'>): number | null {
  const total = counts.successes + counts.failures + counts.autoFailed;
  return total === 0 ? null : counts.successes / total;
}
