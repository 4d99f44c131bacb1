// Parses what a ping URL says (the path's action segment and the query) into
// validated facts, or a user-facing error. Pure: the route does the I/O.

import {
  CLIENT_FAILURE_REASONS,
  MESSAGE_MAX_CHARS,
  PING_ID_PATTERN,
  RUN_ID_PATTERN,
  type FailureReason,
  type PingKind,
  type PingQuery,
} from '../../shared/protocol.ts';

export interface ParsedPing {
  kind: PingKind;
  /** Null on a /start without run_id: the collector generates one. */
  runId: string | null;
  message: string | null;
  exitCode: number | null;
  durationMs: number | null;
  pingId: string | null;
  sentAt: string | null;
  late: boolean;
  reason: FailureReason | null;
  signal: string | null;
}

export interface PingParseError {
  code: string;
  message: string;
}

const INTEGER = /^\d{1,15}$/;
const SIGNAL = /^SIG[A-Z0-9+-]{1,12}$/;

/** Parses the action segment (`start`, `log`, `success`, `failure`, `fail`, `<exit code>` or none) and the query. */
export function parsePing(action: string | undefined, query: PingQuery): ParsedPing | PingParseError {
  let kind: PingKind;
  let exitCode: number | null = null;
  const act = action ?? '';
  if (act === '' || act === 'success') kind = 'success';
  else if (act === 'start' || act === 'log') kind = act;
  else if (act === 'failure' || act === 'fail') kind = 'failure';
  else if (/^\d+$/.test(act)) {
    const code = parseExitCode(act);
    if (code === null) return bad('invalid_exit_code', `exit code must be an integer from 0 to 255, got "${clip(act)}"`);
    exitCode = code;
    kind = code === 0 ? 'success' : 'failure';
  } else {
    return {
      code: 'unknown_action',
      message: `unknown ping action "${clip(act)}": use start, log, success, failure, fail or an exit code 0-255`,
    };
  }

  // `rid` is what Healthchecks.io clients send; accept it so their scripts work unchanged.
  const runId = one(query.run_id) ?? one(query.rid);
  if (runId !== undefined && !RUN_ID_PATTERN.test(runId)) {
    return bad('invalid_run_id', 'run_id must be 1-128 printable ASCII characters without spaces');
  }
  if (runId === undefined && kind !== 'start') {
    return bad('missing_run_id', `run_id is required on a ${kind} ping (only /start may omit it)`);
  }

  const message = one(query.message);
  if (message !== undefined && [...message].length > MESSAGE_MAX_CHARS) {
    return bad('message_too_long', `message is longer than ${MESSAGE_MAX_CHARS} characters`);
  }

  const exitParam = one(query.exit_code);
  if (exitParam !== undefined && exitParam !== '') {
    if (kind === 'start' || kind === 'log') return bad('invalid_exit_code', `exit_code is only allowed on terminal pings`);
    const code = parseExitCode(exitParam);
    if (code === null) return bad('invalid_exit_code', `exit_code must be an integer from 0 to 255, got "${clip(exitParam)}"`);
    if (exitCode !== null && exitCode !== code) return bad('invalid_exit_code', 'exit_code in the path and the query differ');
    exitCode = code;
  }

  let durationMs: number | null = null;
  const durationParam = one(query.duration_ms);
  if (durationParam !== undefined && durationParam !== '') {
    if (!INTEGER.test(durationParam)) return bad('invalid_duration', 'duration_ms must be a non-negative integer');
    durationMs = Number(durationParam);
  }

  const pingId = one(query.ping_id) ?? null;
  if (pingId !== null && !PING_ID_PATTERN.test(pingId)) {
    return bad('invalid_ping_id', 'ping_id must be 1-64 printable ASCII characters without spaces');
  }

  let reason: FailureReason | null = null;
  const reasonParam = one(query.reason);
  if (reasonParam !== undefined && reasonParam !== '') {
    if (!(CLIENT_FAILURE_REASONS as readonly string[]).includes(reasonParam)) {
      return bad('invalid_reason', `reason must be one of ${CLIENT_FAILURE_REASONS.join(', ')}`);
    }
    if (kind === 'start' || kind === 'log') return bad('invalid_reason', 'reason is only allowed on terminal pings');
    reason = reasonParam as FailureReason;
    kind = 'failure';
  }

  const signalParam = one(query.signal);
  if (signalParam !== undefined && signalParam !== '' && !SIGNAL.test(signalParam)) {
    return bad('invalid_signal', 'signal must be a signal name such as SIGTERM');
  }

  const sentAt = one(query.sent_at);
  return {
    kind,
    runId: runId ?? null,
    message: message ?? null,
    exitCode,
    durationMs,
    pingId,
    sentAt: sentAt === undefined || sentAt === '' ? null : sentAt.slice(0, 64),
    late: one(query.late) === '1',
    reason,
    signal: signalParam === undefined || signalParam === '' ? null : signalParam,
  };
}

/** True when parsePing returned an error. */
export function isParseError(value: ParsedPing | PingParseError): value is PingParseError {
  return 'code' in value;
}

function parseExitCode(text: string): number | null {
  if (!/^\d{1,3}$/.test(text)) return null;
  const code = Number(text);
  return code <= 255 ? code : null;
}

// Repeated query keys arrive as arrays; the first one wins.
function one(value: unknown): string | undefined {
  if (Array.isArray(value)) return one(value[0]);
  return typeof value === 'string' ? value : undefined;
}

function bad(code: string, message: string): PingParseError {
  return { code, message };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
