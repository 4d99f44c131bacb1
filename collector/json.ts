// Converts stored records (camelCase, ms timestamps) into the wire shapes of
// shared/protocol.ts (snake_case, ISO 8601 UTC). The one place this happens.

import type {
  MonitorJson,
  MonitorStatsJson,
  PingJson,
  RunEventJson,
  RunJson,
  RunStepJson,
  StreamPingJson,
  StreamRunEventJson,
} from '../shared/protocol.ts';
import type { RunStats } from './core/run-stats.ts';
import type { Run, RunEvent } from './core/run-state.ts';
import type { TimelineStep } from './core/step-gaps.ts';
import type { Monitor, StoredPing, StoredRunEvent } from './store/store.ts';

/** ISO 8601 UTC of a millisecond timestamp, null-preserving. */
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

const toSeconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/** A monitor as the API shows it; `baseUrl` is where pings should go. */
export function monitorJson(monitor: Monitor, baseUrl: string): MonitorJson {
  return {
    id: monitor.id,
    name: monitor.name,
    slug: monitor.slug,
    min_duration_seconds: toSeconds(monitor.minDurationMs),
    max_duration_seconds: toSeconds(monitor.maxDurationMs),
    created_at: new Date(monitor.createdAt).toISOString(),
    ping_url: `${baseUrl}/v1/ping/${monitor.id}`,
  };
}

/** A run event as the API shows it. */
export function eventJson(event: RunEvent): RunEventJson {
  return { type: event.type, at: new Date(event.at).toISOString(), detail: event.detail };
}

/** A run as the API shows it. */
export function runJson(run: Run): RunJson {
  return {
    run_id: run.runId,
    monitor_id: run.monitorId,
    status: run.status,
    failure_reason: run.failureReason,
    signal: run.signal,
    started_at: isoTime(run.startedAt ?? run.firstSeenAt),
    ended_at: isoTime(run.endedAt),
    duration_ms: run.durationMs,
    exit_code: run.exitCode,
    start_count: run.startCount,
    ping_count: run.pingCount,
    last_message: run.lastMessage,
    deadline_at: isoTime(run.deadlineAt),
    delivered_late: run.deliveredLate,
    events: run.events.map(eventJson),
  };
}

/** A ping as the API shows it. */
export function pingJson(ping: StoredPing): PingJson {
  return {
    ping_id: ping.pingId,
    monitor_id: ping.monitorId,
    run_id: ping.runId,
    kind: ping.kind,
    received_at: new Date(ping.receivedAt).toISOString(),
    message: ping.message,
    exit_code: ping.exitCode,
    duration_ms: ping.durationMs,
    payload: ping.payload,
    payload_size: ping.payloadSize,
    truncated: ping.truncated,
    content_type: ping.contentType,
    sent_at: ping.sentAt,
    late: ping.late,
  };
}

/** A timeline step of `ping` as the API shows it. */
export function runStepJson(ping: StoredPing, step: TimelineStep): RunStepJson {
  return {
    ping_id: ping.pingId,
    kind: ping.kind,
    step: step.step,
    offset_ms: step.offsetMs,
    gap_ms: step.gapMs,
    typical_gap_ms: step.typicalGapMs,
    baseline: step.basis,
    baseline_samples: step.samples,
    unusual: step.unusual,
  };
}

/** A monitor's run statistics as the API shows them. */
export function monitorStatsJson(monitor: Monitor, window: number, stats: RunStats): MonitorStatsJson {
  const d = stats.durations;
  return {
    monitor_id: monitor.id,
    window,
    runs: stats.runs,
    running: stats.running,
    success: stats.success,
    failed: stats.failed,
    success_rate: stats.successRate,
    duration_ms: d && { count: d.count, min: d.minMs, avg: d.avgMs, p50: d.p50Ms, p95: d.p95Ms, max: d.maxMs },
    histogram: stats.histogram.map((b) => ({ from_ms: b.fromMs, to_ms: b.toMs, count: b.count })),
    min_duration_seconds: toSeconds(monitor.minDurationMs),
    max_duration_seconds: toSeconds(monitor.maxDurationMs),
    above_max: stats.aboveMax,
    below_min: stats.belowMin,
    first_started_at: isoTime(stats.firstStartedAt),
    last_started_at: isoTime(stats.lastStartedAt),
  };
}

/** A stored ping as a live-stream item. */
export function streamPingJson(ping: StoredPing, cursor: string): StreamPingJson {
  return { type: 'ping', cursor, seq: ping.seq, ping: pingJson(ping) };
}

/** A stored run event as a live-stream item. */
export function streamRunEventJson(event: StoredRunEvent, cursor: string): StreamRunEventJson {
  return {
    type: 'run_event',
    cursor,
    id: event.id,
    monitor_id: event.monitorId,
    run_id: event.runId,
    event: eventJson(event),
  };
}
