// The Drumbeats wire protocol: ping kinds, limits, identifiers and the JSON
// shapes the collector answers with. Both the collector and the CLI import
// this file; it must stay free of runtime dependencies so `drumbeats run`
// loads it for free. Schemas for validation live in ./schemas.ts.

/** Bytes of a ping body stored per ping; the rest is counted, not kept. */
export const PAYLOAD_LIMIT_BYTES = 10 * 1024;
/** Longest `message` accepted on a ping, in characters. */
export const MESSAGE_MAX_CHARS = 1024;
/** Longest run id accepted. */
export const RUN_ID_MAX_CHARS = 128;
/** Run ids: printable ASCII without spaces, 1-128 characters. */
export const RUN_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;
/** Ping ids (client-generated, for idempotent replay): same alphabet, up to 64. */
export const PING_ID_PATTERN = /^[\x21-\x7e]{1,64}$/;
/** Monitor ids are `mon_` plus 22 base64url characters; slugs never contain `_`. */
export const MONITOR_ID_PATTERN = /^mon_[A-Za-z0-9_-]{22}$/;
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
/** Longest threshold (min or max duration) accepted: 31 days. */
export const MAX_THRESHOLD_SECONDS = 31 * 24 * 3600;
/** How thresholds are typed by people (CLI flags, the dashboard): plain decimal seconds, "90", "1.5", ".5"; no sign, exponent, hex or unit. */
export const PLAIN_SECONDS_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)$/;
/** The collector keeps thresholds in whole milliseconds, rounded so. */
export const thresholdMs = (seconds: number): number => Math.round(seconds * 1000);
/** Longest monitor name, in characters. */
export const MONITOR_NAME_MAX_CHARS = 200;
/** Monitor names: not blank, no control characters (tabs and newlines would break table rows and logs). */
export const MONITOR_NAME_PATTERN = /^(?!\s*$)[^\u0000-\u001F\u007F-\u009F\u2028\u2029]+$/;

/** Ping kinds as stored. `/fail` and `/<exit_code>` map onto these. */
export const PING_KINDS = ['start', 'log', 'success', 'failure'] as const;
export type PingKind = (typeof PING_KINDS)[number];
export const TERMINAL_KINDS: readonly PingKind[] = ['success', 'failure'];

export const RUN_STATUSES = ['running', 'success', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Why a run failed. `failure_ping`, `exit_code` and `watchdog` are decided by
 * the collector; `signal`, `spawn_error` and `timeout` are reported by the
 * wrapper on its terminal ping (query `reason=`).
 */
export const FAILURE_REASONS = [
  'failure_ping',
  'exit_code',
  'watchdog',
  'signal',
  'spawn_error',
  'timeout',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];
/** Reasons a client may state on a terminal ping. */
export const CLIENT_FAILURE_REASONS: readonly FailureReason[] = ['signal', 'spawn_error', 'timeout'];

export const EVENT_TYPES = ['FAILED', 'DURATION_HIGH', 'DURATION_LOW', 'DUPLICATE_START'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Query parameters every ping URL understands (all optional). */
export interface PingQuery {
  run_id?: string;
  /** Alias of run_id, as Healthchecks.io clients send it. */
  rid?: string;
  message?: string;
  exit_code?: string;
  /** Run duration measured by the client on a monotonic clock. */
  duration_ms?: string;
  /** Client-generated unique id: a ping replayed with the same id is stored once. */
  ping_id?: string;
  /** Client wall-clock time the ping was created (ISO 8601); kept as data only. */
  sent_at?: string;
  /** `1` when the ping is replayed from the wrapper's spool. */
  late?: string;
  /** Failure reason reported by the wrapper: signal, spawn_error, timeout. */
  reason?: string;
  /** Signal name, e.g. SIGTERM, when reason=signal. */
  signal?: string;
}

/** The error envelope of every 4xx/5xx answer. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** Answer to a ping. */
export interface PingResponse {
  ok: true;
  run_id: string;
  ping_id: string;
  kind: PingKind;
  /** Run status after this ping. */
  status: RunStatus;
  /** True when this ping_id was already stored: nothing changed. */
  duplicate: boolean;
}

export interface MonitorJson {
  id: string;
  name: string;
  slug: string;
  min_duration_seconds: number | null;
  max_duration_seconds: number | null;
  created_at: string;
  ping_url: string;
}

export interface MonitorInput {
  name: string;
  slug?: string;
  min_duration_seconds?: number | null;
  max_duration_seconds?: number | null;
}

export interface RunEventJson {
  type: EventType;
  at: string;
  /** e.g. the failure reason for FAILED, the threshold for DURATION_*. */
  detail: string | null;
}

export interface RunJson {
  run_id: string;
  monitor_id: string;
  status: RunStatus;
  failure_reason: FailureReason | null;
  signal: string | null;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  exit_code: number | null;
  start_count: number;
  ping_count: number;
  last_message: string | null;
  deadline_at: string | null;
  delivered_late: boolean;
  events: RunEventJson[];
}

export interface PingJson {
  ping_id: string;
  monitor_id: string;
  run_id: string;
  kind: PingKind;
  received_at: string;
  message: string | null;
  exit_code: number | null;
  duration_ms: number | null;
  payload: string | null;
  payload_size: number;
  truncated: boolean;
  content_type: string | null;
  sent_at: string | null;
  late: boolean;
}

/** One step of a run's timeline: a ping, its place in time and how its gap compares with earlier runs. */
export interface RunStepJson {
  ping_id: string;
  kind: PingKind;
  /** "start", "end", the /log message as sent, or "log #N" for a /log without one. */
  step: string;
  /** Receive time minus the run's start (its first ping when no /start came). */
  offset_ms: number;
  /** Time since the previous ping of this run; null for the first. */
  gap_ms: number | null;
  /** Median gap of the same step over the monitor's earlier runs (up to `baseline_runs` of them). */
  typical_gap_ms: number | null;
  /** How the step was matched in earlier runs: by message (digits ignored) or by /log position. */
  baseline: 'message' | 'index' | null;
  baseline_samples: number;
  /** gap_ms > 3 x typical_gap_ms and at least 1 s above it, with 3+ samples. */
  unusual: boolean;
}

export interface RunDetailJson extends RunJson {
  /** The run's pings, oldest first: all of them, or the first 500 and the last 500 of a longer run. */
  pings: PingJson[];
  /** One entry per ping, same order as `pings`. */
  timeline: RunStepJson[];
  /** How many pings of the run are left out of `pings` and `timeline`; 0 when all are there. */
  pings_omitted: number;
  /** Index in `pings` (and `timeline`) of the first ping after the left-out ones; null when none are. */
  pings_omitted_at: number | null;
  /** How many earlier runs of the monitor the typical gaps come from. */
  baseline_runs: number;
}

export interface RunListJson {
  runs: RunJson[];
  /** Pass as `before` to get runs first seen before the last one shown (a time: runs of the same millisecond are skipped). */
  next_before: string | null;
  /** Pass as `cursor` to get exactly the next (older) page; null on the last page. */
  next_cursor: string | null;
}

/** GET /v1/monitors/:id/stats: the monitor's latest runs summarised (CLI `monitors show`, dashboard). */
export interface MonitorStatsJson {
  monitor_id: string;
  /** How many of the latest runs were asked for (`runs=`, default 100). */
  window: number;
  /** Runs found (at most `window`), by status. */
  runs: number;
  running: number;
  success: number;
  failed: number;
  /** success / (success + failed), 0..1; null when none finished. */
  success_rate: number | null;
  /** Over finished runs with a duration; null when there are none. p95 is nearest-rank. */
  duration_ms: { count: number; min: number; avg: number; p50: number; p95: number; max: number } | null;
  /** Equal-width buckets from min to max duration; `to_ms` is exclusive except in the last bucket. */
  histogram: Array<{ from_ms: number; to_ms: number; count: number }>;
  min_duration_seconds: number | null;
  max_duration_seconds: number | null;
  /** Finished runs longer than max / shorter than min; null without that threshold. */
  above_max: number | null;
  below_min: number | null;
  /** Start of the oldest and newest run counted. */
  first_started_at: string | null;
  last_started_at: string | null;
}

/** GET /v1/stream (Server-Sent Events) `event: ping`. `cursor` is also the SSE id. */
export interface StreamPingJson {
  type: 'ping';
  cursor: string;
  seq: number;
  ping: PingJson;
}

/** GET /v1/stream `event: run_event`: an event raised on a run (FAILED, DURATION_HIGH, ...). */
export interface StreamRunEventJson {
  type: 'run_event';
  cursor: string;
  id: number;
  monitor_id: string;
  run_id: string;
  event: RunEventJson;
}

/** GET /v1/stream `event: hello`, first on every connection: where the stream starts. */
export interface StreamHelloJson {
  type: 'hello';
  cursor: string;
}

export type StreamItemJson = StreamPingJson | StreamRunEventJson;

// ---- dashboard, analytics, ping history, export (issue 6) ----------------

/** Width of an analytics bucket. Buckets start at UTC multiples of this. */
export const BUCKET_MS = 30 * 60 * 1000;
/** Ranges the analytics endpoint answers for, in milliseconds. */
export const ANALYTICS_RANGES = { '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000 } as const;
export type AnalyticsRange = keyof typeof ANALYTICS_RANGES;
/** Cookie that carries a dashboard session. */
export const SESSION_COOKIE = 'drumbeats_session';
/** Header a cookie-authenticated state-changing request must carry (CSRF guard). */
export const CSRF_HEADER = 'x-drumbeats-csrf';

/** One 30-minute bucket of a monitor's pings; empty buckets are not sent. */
export interface AnalyticsBucketJson {
  /** Bucket start, ISO 8601 UTC; the bucket covers [start, start + 30 min). */
  start: string;
  /** Terminal pings whose outcome was success / failure. */
  success: number;
  failure: number;
  /** Runs the watchdog closed in this bucket. */
  auto_failed: number;
  starts: number;
  logs: number;
  /** success / (success + failure + auto_failed), null when all are 0. */
  success_rate: number | null;
  /** Mean duration of the runs a terminal ping closed in this bucket, null when none. */
  avg_duration_ms: number | null;
}

export interface AnalyticsJson {
  monitor_id: string;
  range: AnalyticsRange;
  bucket_seconds: number;
  /** [from, to): `to` is the end of the bucket holding the range's end. */
  from: string;
  to: string;
  buckets: AnalyticsBucketJson[];
  /** Sums over the window; `success_rate` counts auto-failed runs as failures, like the buckets. */
  totals: { success: number; failure: number; auto_failed: number; starts: number; logs: number; success_rate: number | null };
}

/** What the monitors overview says about one monitor's state right now. */
export type MonitorState = 'new' | 'running' | 'stuck' | 'success' | 'failed';

export interface MonitorOverviewJson {
  monitor: MonitorJson;
  state: MonitorState;
  /** Runs of this monitor currently running. */
  running: number;
  last_run_at: string | null;
  last_status: RunStatus | null;
  /** Over the finished runs among the last 100. */
  success_rate: number | null;
  p95_duration_ms: number | null;
  runs_counted: number;
  /** Events raised since the monitor's last clean success, newest first. */
  open_events: Array<RunEventJson & { run_id: string }>;
}

export interface OverviewJson {
  generated_at: string;
  monitors: MonitorOverviewJson[];
}

/** One page of ping history; pass `next_cursor` as `cursor` for older pings. */
export interface PingHistoryJson {
  pings: PingJson[];
  next_cursor: string | null;
}

/** The dashboard session as GET /v1/session reports it. */
export interface SessionJson {
  authenticated: boolean;
  /** How the caller authenticated: a bearer key or a session cookie. */
  via: 'bearer' | 'session' | null;
  expires_at: string | null;
}
