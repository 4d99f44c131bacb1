// The run lifecycle as a pure function of (run, ping, thresholds, now).
// No I/O, no clock: the store loads the run, calls these, and persists the
// result with one conditional update. Times are milliseconds since the epoch,
// always the collector's own receive time; client clocks never enter here.

import type { EventType, FailureReason, PingKind, RunStatus } from '../../shared/protocol.ts';

export interface RunEvent {
  type: EventType;
  at: number;
  detail: string | null;
}

export interface Run {
  monitorId: string;
  runId: string;
  status: RunStatus;
  failureReason: FailureReason | null;
  signal: string | null;
  /** When the first ping of any kind arrived. */
  firstSeenAt: number;
  /** When the first /start arrived; null while no /start came. */
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  exitCode: number | null;
  startCount: number;
  pingCount: number;
  lastMessage: string | null;
  /** When the watchdog must close the run; null when none applies. */
  deadlineAt: number | null;
  /** Who closed the run: a terminal ping, or the watchdog (a later terminal ping may still correct it). */
  closedBy: 'ping' | 'watchdog' | null;
  deliveredLate: boolean;
  /** Optimistic-concurrency version: every persisted transition bumps it. */
  version: number;
  events: RunEvent[];
}

export interface Thresholds {
  minDurationMs: number | null;
  maxDurationMs: number | null;
}

/** A ping as the core sees it: already parsed and validated. */
export interface PingFacts {
  kind: PingKind;
  runId: string;
  message: string | null;
  exitCode: number | null;
  /** Duration measured by the client (monotonic clock), when it sent one. */
  durationMs: number | null;
  reason: FailureReason | null;
  signal: string | null;
  late: boolean;
}

export interface Transition {
  run: Run;
  /** Events raised by this transition (already included in run.events). */
  raised: RunEvent[];
  /** False when the ping was recorded but the run did not change. */
  changed: boolean;
}

/** The run a first ping creates, before that ping is applied. */
export function newRun(monitorId: string, runId: string, now: number): Run {
  return {
    monitorId,
    runId,
    status: 'running',
    failureReason: null,
    signal: null,
    firstSeenAt: now,
    startedAt: null,
    endedAt: null,
    durationMs: null,
    exitCode: null,
    startCount: 0,
    pingCount: 0,
    lastMessage: null,
    deadlineAt: null,
    closedBy: null,
    deliveredLate: false,
    version: 0,
    events: [],
  };
}

/** Applies one ping to a run (null when the run does not exist yet). */
export function applyPing(existing: Run | null, ping: PingFacts, limits: Thresholds, monitorId: string, now: number): Transition {
  const base = existing ?? armDeadline(newRun(monitorId, ping.runId, now), limits, now);
  const run: Run = {
    ...base,
    events: [...base.events],
    pingCount: base.pingCount + 1,
    deliveredLate: base.deliveredLate || ping.late,
  };
  if (ping.message !== null) run.lastMessage = ping.message;
  const raised: RunEvent[] = [];

  switch (ping.kind) {
    case 'start':
      applyStart(run, raised, now);
      break;
    case 'log':
      break;
    case 'success':
    case 'failure':
      applyTerminal(run, ping, limits, raised, now);
      break;
  }
  return { run, raised, changed: true };
}

function armDeadline(run: Run, limits: Thresholds, now: number): Run {
  return limits.maxDurationMs === null ? run : { ...run, deadlineAt: now + limits.maxDurationMs };
}

function applyStart(run: Run, raised: RunEvent[], now: number): void {
  run.startCount += 1;
  if (run.startedAt === null) {
    // First /start: it may arrive after /log or even after the terminal ping
    // (late delivery). It records its time but never reopens or re-arms the run.
    run.startedAt = now;
    return;
  }
  raise(run, raised, 'DUPLICATE_START', now, `start #${run.startCount}`);
}

function applyTerminal(run: Run, ping: PingFacts, limits: Thresholds, raised: RunEvent[], now: number): void {
  if (run.closedBy === 'ping') return; // a second terminal ping is stored and changes nothing
  const expiredFirst = run.closedBy === 'watchdog';
  const outcome = decideOutcome(ping);
  const durationMs = ping.durationMs ?? (run.startedAt === null ? null : Math.max(0, now - run.startedAt));

  run.status = outcome.status;
  run.failureReason = outcome.reason;
  run.signal = outcome.reason === 'signal' ? ping.signal : null;
  run.exitCode = ping.exitCode;
  run.endedAt = now;
  run.durationMs = durationMs;
  run.deadlineAt = null;
  run.closedBy = 'ping';

  if (outcome.status === 'failed') raise(run, raised, 'FAILED', now, outcome.reason);
  // After the watchdog closed the run, the terminal ping is late by definition,
  // unless the client measured a duration that proves otherwise (spooled ping).
  const tooLong =
    limits.maxDurationMs !== null &&
    (durationMs === null ? expiredFirst : durationMs > limits.maxDurationMs);
  if (tooLong) {
    const detail = durationMs === null ? `over max ${limits.maxDurationMs} ms` : `${durationMs} ms > max ${limits.maxDurationMs} ms`;
    raise(run, raised, 'DURATION_HIGH', now, detail);
  }
  if (
    outcome.status === 'success' &&
    durationMs !== null &&
    limits.minDurationMs !== null &&
    durationMs < limits.minDurationMs
  ) {
    raise(run, raised, 'DURATION_LOW', now, `${durationMs} ms < min ${limits.minDurationMs} ms`);
  }
}

/** What a terminal ping says about the run's outcome. */
export function decideOutcome(ping: Pick<PingFacts, 'kind' | 'exitCode' | 'reason'>): {
  status: RunStatus;
  reason: FailureReason | null;
} {
  const failed = ping.kind === 'failure' || (ping.exitCode !== null && ping.exitCode !== 0) || ping.reason !== null;
  if (!failed) return { status: 'success', reason: null };
  if (ping.reason !== null) return { status: 'failed', reason: ping.reason };
  if (ping.exitCode !== null && ping.exitCode !== 0) return { status: 'failed', reason: 'exit_code' };
  return { status: 'failed', reason: 'failure_ping' };
}

/** True when the watchdog must close this run at `now`. */
export function isOverdue(run: Pick<Run, 'status' | 'deadlineAt'>, now: number): boolean {
  return run.status === 'running' && run.deadlineAt !== null && run.deadlineAt <= now;
}

/** The basic-watchdog's transition: a running run past its deadline fails with reason `watchdog`. */
export function expireRun(run: Run, now: number): Transition {
  if (!isOverdue(run, now)) return { run, raised: [], changed: false };
  const next: Run = {
    ...run,
    events: [...run.events],
    status: 'failed',
    failureReason: 'watchdog',
    signal: null,
    endedAt: now,
    durationMs: null,
    deadlineAt: null,
    closedBy: 'watchdog',
  };
  const raised: RunEvent[] = [];
  raise(next, raised, 'FAILED', now, 'watchdog');
  return { run: next, raised, changed: true };
}

// Each event type is raised at most once per run; later occurrences are
// visible through counters (start_count) rather than repeated events.
function raise(run: Run, raised: RunEvent[], type: EventType, at: number, detail: string | null): void {
  if (run.events.some((e) => e.type === type)) return;
  const event: RunEvent = { type, at, detail };
  run.events.push(event);
  raised.push(event);
}
