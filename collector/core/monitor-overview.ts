// What the monitors page says about one monitor, computed from its most
// recent runs (newest first) and `now`: its state, success rate and p95
// duration over the last 100 runs, and the events still "open" (raised since
// the monitor's last clean success).

import type { MonitorState, RunStatus } from '../../shared/protocol.ts';
import type { RunEvent } from './run-state.ts';
import { percentile } from './run-stats.ts';

/** How many recent runs the overview looks at. */
export const OVERVIEW_RUNS = 100;
/** Most open events reported per monitor. */
const MAX_OPEN_EVENTS = 10;
/** A running run without a deadline counts as stuck after this many p95s... */
const STUCK_P95_FACTOR = 3;
/** ...and never before this long. */
const STUCK_MIN_MS = 60_000;

/**
 * One of a monitor's newest runs as the overview reads it: status and
 * duration of every run, and the details only where the overview looks
 * closer (see RunDetail). Reading 100 runs of 500 monitors, every column
 * fetched costs: this keeps the bulk read to two.
 */
export interface RecentRun {
  status: RunStatus;
  durationMs: number | null;
  /** Present for the newest run, for running runs, and for the runs down to the newest clean success; null otherwise. */
  detail: RunDetail | null;
}

export interface RunDetail {
  runId: string;
  firstSeenAt: number;
  startedAt: number | null;
  deadlineAt: number | null;
  /** The run's events; only loaded (else empty) for the runs down to the newest clean success. */
  events: RunEvent[];
}

/** Which of a monitor's newest runs (by index, newest first) need a RunDetail, given their statuses in order. */
export function needsDetail(index: number, status: RunStatus, beforeCleanSuccess: boolean): boolean {
  return index === 0 || status === 'running' || beforeCleanSuccess;
}

export interface MonitorSummary {
  state: MonitorState;
  running: number;
  lastRunAt: number | null;
  lastStatus: RunStatus | null;
  successRate: number | null;
  p95DurationMs: number | null;
  runsCounted: number;
  openEvents: Array<RunEvent & { runId: string }>;
}

/** Summarises a monitor from its recent runs, newest first. */
export function summarizeMonitor(runs: readonly RecentRun[], now: number): MonitorSummary {
  // One pass and no per-run allocation: the overview calls this for 500
  // monitors of 100 runs each on every load of the monitors page.
  const recent = runs.length > OVERVIEW_RUNS ? runs.slice(0, OVERVIEW_RUNS) : runs;
  const durations: number[] = [];
  const running: RecentRun[] = [];
  let finished = 0;
  let successes = 0;
  let lastFinished: RecentRun | undefined;
  for (const run of recent) {
    if (run.status === 'running') {
      running.push(run);
      continue;
    }
    finished += 1;
    lastFinished ??= run;
    if (run.status === 'success') successes += 1;
    if (run.durationMs !== null) durations.push(run.durationMs);
  }
  durations.sort((a, b) => a - b);
  const p95 = durations.length === 0 ? null : percentile(durations, 95);
  const stuck = running.some((r) => r.detail !== null && isStuck({ status: r.status, ...r.detail }, p95, now));
  const newest = recent[0]?.detail ?? null;

  let state: MonitorState = 'new';
  if (stuck) state = 'stuck';
  else if (running.length > 0) state = 'running';
  else if (lastFinished) state = lastFinished.status === 'success' ? 'success' : 'failed';

  return {
    state,
    running: running.length,
    lastRunAt: newest ? (newest.startedAt ?? newest.firstSeenAt) : null,
    lastStatus: recent[0]?.status ?? null,
    successRate: finished === 0 ? null : successes / finished,
    p95DurationMs: p95,
    runsCounted: recent.length,
    openEvents: openEvents(recent),
  };
}

/**
 * A running run is stuck when its deadline has passed (the watchdog has not
 * closed it yet) or, with no deadline, when it has run far longer than usual.
 */
export function isStuck(
  run: { status: RunStatus } & Pick<RunDetail, 'deadlineAt' | 'startedAt' | 'firstSeenAt'>,
  p95: number | null,
  now: number,
): boolean {
  if (run.status !== 'running') return false;
  if (run.deadlineAt !== null) return run.deadlineAt <= now;
  if (p95 === null) return false;
  return now - (run.startedAt ?? run.firstSeenAt) > Math.max(STUCK_MIN_MS, p95 * STUCK_P95_FACTOR);
}

/** Events raised since the newest finished run that succeeded without any, newest first. */
export function openEvents(runs: readonly RecentRun[]): Array<RunEvent & { runId: string }> {
  const open: Array<RunEvent & { runId: string }> = [];
  for (const run of runs) {
    const events = run.detail?.events ?? [];
    if (run.status === 'success' && events.length === 0) break;
    for (let i = events.length - 1; i >= 0; i--) open.push({ ...events[i]!, runId: run.detail?.runId ?? '' });
  }
  return open.sort((a, b) => b.at - a.at).slice(0, MAX_OPEN_EVENTS);
}
