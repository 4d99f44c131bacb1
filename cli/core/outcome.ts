// Decides what a finished (or never started) child means: the exit code the
// wrapper exits with and what the terminal ping reports. Mirrors shells and
// timeout(1): 128+N for a signal, 127 not found, 126 not executable, 124 timeout.

/** Signals the wrapper forwards to the job. */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;
export type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

/**
 * Forwarded signals that ask the job to stop. A job that handles one of them
 * and then exits 0 was still interrupted, so the wrapper reports 128+N rather
 * than a success nobody asked for. SIGUSR1/SIGUSR2 usually mean "reload" or
 * "dump stats" and never turn a success into a failure.
 */
export const STOP_SIGNALS: readonly string[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

export const EXIT_TIMEOUT = 124;
export const EXIT_CANNOT_EXECUTE = 126;
export const EXIT_NOT_FOUND = 127;

export interface SignalInfo {
  name: string;
  number: number;
}

export type ChildEnd =
  | { kind: 'exited'; code: number }
  | { kind: 'signaled'; signal: SignalInfo }
  | { kind: 'spawn_error'; errorCode: string; command: string; detail: string };

export interface OutcomeInput {
  end: ChildEnd;
  /** Set when --timeout expired and the wrapper began killing the job. */
  timeoutMs: number | null;
  /** The first stop signal the wrapper forwarded to the job, if any. */
  stopSignal: SignalInfo | null;
}

export interface Outcome {
  exitCode: number;
  action: 'success' | 'failure';
  /** Failure reason stated on the terminal ping; null lets the collector decide from the exit code. */
  reason: 'signal' | 'spawn_error' | 'timeout' | null;
  signal: string | null;
  /** One-line explanation for the terminal ping (and the terminal on spawn errors). */
  message: string | null;
}

/** Maps how the child ended to the wrapper's exit code and terminal ping. */
export function decideOutcome({ end, timeoutMs, stopSignal }: OutcomeInput): Outcome {
  if (end.kind === 'spawn_error') {
    const notFound = end.errorCode === 'ENOENT' || end.errorCode === 'ENOTDIR';
    const what = notFound ? 'command not found' : end.errorCode === 'EACCES' ? 'permission denied (not executable)' : end.detail;
    return {
      exitCode: notFound ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE,
      action: 'failure',
      reason: 'spawn_error',
      signal: null,
      message: `cannot run "${end.command}": ${what} (${end.errorCode})`,
    };
  }
  const signal = end.kind === 'signaled' ? end.signal.name : null;
  if (timeoutMs !== null) {
    return {
      exitCode: EXIT_TIMEOUT,
      action: 'failure',
      reason: 'timeout',
      signal,
      message: `timed out after ${formatSeconds(timeoutMs)}${signal === null ? '' : `, ended by ${signal}`}`,
    };
  }
  if (end.kind === 'signaled') {
    return {
      exitCode: 128 + end.signal.number,
      action: 'failure',
      reason: 'signal',
      signal: end.signal.name,
      message: `killed by ${end.signal.name}`,
    };
  }
  if (end.code === 0 && stopSignal !== null) {
    return {
      exitCode: 128 + stopSignal.number,
      action: 'failure',
      reason: 'signal',
      signal: stopSignal.name,
      message: `exited 0 after the wrapper forwarded ${stopSignal.name}`,
    };
  }
  return {
    exitCode: end.code,
    action: end.code === 0 ? 'success' : 'failure',
    reason: null,
    signal: null,
    message: null,
  };
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
