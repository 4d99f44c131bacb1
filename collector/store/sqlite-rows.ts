// Rows as SQLite returns them, and their conversion to the store's types:
// shared by the read side (sqlite-store.ts) and the write side (sqlite-writer.ts).

import type { EventType, FailureReason, PingKind, RunStatus } from '../../shared/protocol.ts';
import type { Run } from '../core/run-state.ts';
import type { Monitor, StoredPing } from './store.ts';

export interface RunRow {
  pk: number;
  monitor_id: string;
  run_id: string;
  status: RunStatus;
  failure_reason: FailureReason | null;
  signal: string | null;
  first_seen_at: number;
  started_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
  exit_code: number | null;
  start_count: number;
  ping_count: number;
  last_message: string | null;
  deadline_at: number | null;
  closed_by: 'ping' | 'watchdog' | null;
  delivered_late: number;
  version: number;
}

export interface EventRow {
  run_pk: number;
  type: EventType;
  at: number;
  detail: string | null;
}

export interface PingRow {
  seq: number;
  ping_id: string;
  monitor_id: string;
  run_id: string;
  kind: PingKind;
  received_at: number;
  message: string | null;
  exit_code: number | null;
  duration_ms: number | null;
  payload: string | null;
  payload_size: number;
  truncated: number;
  content_type: string | null;
  sent_at: string | null;
  late: number;
}

export interface MonitorRow {
  id: string;
  name: string;
  slug: string;
  min_duration_ms: number | null;
  max_duration_ms: number | null;
  created_at: number;
}

/** A monitor row as the store's Monitor. */
export function toMonitor(row: MonitorRow): Monitor {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    minDurationMs: row.min_duration_ms,
    maxDurationMs: row.max_duration_ms,
    createdAt: row.created_at,
  };
}

/** A run row and its event rows as the store's Run. */
export function toRun(row: RunRow, events: EventRow[]): Run {
  return {
    monitorId: row.monitor_id,
    runId: row.run_id,
    status: row.status,
    failureReason: row.failure_reason,
    signal: row.signal,
    firstSeenAt: row.first_seen_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
    exitCode: row.exit_code,
    startCount: row.start_count,
    pingCount: row.ping_count,
    lastMessage: row.last_message,
    deadlineAt: row.deadline_at,
    closedBy: row.closed_by,
    deliveredLate: row.delivered_late === 1,
    version: row.version,
    events: events.map((e) => ({ type: e.type, at: e.at, detail: e.detail })),
  };
}

/** A Run as the columns of its row (without pk and version). */
export function fromRun(run: Run): Omit<RunRow, 'pk' | 'version'> {
  return {
    monitor_id: run.monitorId,
    run_id: run.runId,
    status: run.status,
    failure_reason: run.failureReason,
    signal: run.signal,
    first_seen_at: run.firstSeenAt,
    started_at: run.startedAt,
    ended_at: run.endedAt,
    duration_ms: run.durationMs,
    exit_code: run.exitCode,
    start_count: run.startCount,
    ping_count: run.pingCount,
    last_message: run.lastMessage,
    deadline_at: run.deadlineAt,
    closed_by: run.closedBy,
    delivered_late: run.deliveredLate ? 1 : 0,
  };
}

/** A ping row as the store's StoredPing. */
export function toPing(row: PingRow): StoredPing {
  return {
    seq: row.seq,
    pingId: row.ping_id,
    monitorId: row.monitor_id,
    runId: row.run_id,
    kind: row.kind,
    receivedAt: row.received_at,
    message: row.message,
    exitCode: row.exit_code,
    durationMs: row.duration_ms,
    payload: row.payload,
    payloadSize: row.payload_size,
    truncated: row.truncated === 1,
    contentType: row.content_type,
    sentAt: row.sent_at,
    late: row.late === 1,
  };
}
