// The storage contract. Every method is async so a PostgreSQL store can
// implement it as well as the embedded SQLite one. Run transitions are
// computed by the pure core and persisted with one conditional update each,
// so two collectors sharing a database can never both close the same run.

import type { EventType, PingKind, RunStatus } from '../../shared/protocol.ts';
import type { RecentRun } from '../core/monitor-overview.ts';
import type { ParsedPing } from '../core/ping-request.ts';
import type { PingBucket } from '../core/ping-buckets.ts';
import type { RunOutcome } from '../core/run-stats.ts';
import type { Run } from '../core/run-state.ts';

export interface Monitor {
  id: string;
  name: string;
  slug: string;
  minDurationMs: number | null;
  maxDurationMs: number | null;
  createdAt: number;
}

export interface NewMonitor {
  name: string;
  slug: string;
  minDurationMs: number | null;
  maxDurationMs: number | null;
}

export interface MonitorPatch {
  name?: string;
  slug?: string;
  minDurationMs?: number | null;
  maxDurationMs?: number | null;
}

/** A ping ready to be stored: parsed facts plus what the route read off the request. */
export interface IncomingPing extends Omit<ParsedPing, 'runId' | 'pingId'> {
  monitorId: string;
  runId: string;
  pingId: string;
  /** False when the collector generated pingId itself: nothing can have it yet, so no replay check. */
  pingIdFromClient?: boolean;
  payload: string | null;
  payloadSize: number;
  truncated: boolean;
  contentType: string | null;
}

export interface StoredPing {
  seq: number;
  pingId: string;
  monitorId: string;
  runId: string;
  kind: PingKind;
  receivedAt: number;
  message: string | null;
  exitCode: number | null;
  durationMs: number | null;
  payload: string | null;
  payloadSize: number;
  truncated: boolean;
  contentType: string | null;
  sentAt: string | null;
  late: boolean;
}

export interface RecordResult {
  run: Run;
  ping: StoredPing;
  /** True when this run already had a ping with the same ping_id: nothing changed. */
  duplicate: boolean;
}

export interface RunFilter {
  monitorId?: string;
  runId?: string;
  status?: RunStatus;
  /** Only runs first seen at or after this time (ms). */
  since?: number;
  /** Only runs first seen strictly before this time (ms). */
  before?: number;
  /** Only runs after this position in the newest-first order (a `nextCursor` of listRunsPage). */
  cursor?: string;
  limit: number;
}

/** One page of runs, newest first; `nextCursor` continues exactly where it ends. */
export interface RunPage {
  runs: Run[];
  nextCursor: string | null;
}

/** A stored run event with its global id (arrival order). */
export interface StoredRunEvent {
  id: number;
  monitorId: string;
  runId: string;
  type: EventType;
  at: number;
  detail: string | null;
}

export interface RunEventFilter {
  monitorId?: string;
  /** Only events with id greater than this, ascending; without it the newest first. */
  afterId?: number;
  limit: number;
}

export interface PingFilter {
  monitorId?: string;
  runId?: string;
  kind?: PingKind;
  limit: number;
  /** Only pings with seq greater than this (for streaming / paging forward). */
  afterSeq?: number;
  /** With `runId`: the run's last `limit` pings instead of its first (still oldest first). */
  last?: boolean;
}

/** Ping history and export filters (issue 6). */
export interface PingSearch {
  monitorId?: string;
  kind?: PingKind;
  /** Received at or after (ms). */
  since?: number;
  /** Received strictly before (ms). */
  until?: number;
  /** Full-text search: every term must prefix-match a word of the message or payload. */
  terms?: string[];
}

/** Where a history page ends: the last ping's receive time and arrival order. */
export interface PingCursor {
  receivedAt: number;
  seq: number;
}

export interface Store {
  /** Monitors. createMonitor/updateMonitor throw ConflictError on a taken slug. */
  createMonitor(input: NewMonitor, now: number): Promise<Monitor>;
  getMonitor(idOrSlug: string): Promise<Monitor | null>;
  listMonitors(): Promise<Monitor[]>;
  updateMonitor(id: string, patch: MonitorPatch): Promise<Monitor | null>;
  deleteMonitor(id: string): Promise<boolean>;

  /** Stores a ping and applies it to its run atomically. Resolves only once durable. */
  recordPing(ping: IncomingPing, now: number): Promise<RecordResult>;
  /** Closes up to `limit` running runs whose deadline is at or before `now`; returns the closed runs. */
  expireOverdueRuns(now: number, limit: number): Promise<Run[]>;
  /** The earliest deadline of a running run, or null. */
  nextDeadline(): Promise<number | null>;

  listRuns(filter: RunFilter): Promise<Run[]>;
  getRun(monitorId: string, runId: string): Promise<Run | null>;
  listPings(filter: PingFilter): Promise<StoredPing[]>;
  /** Like listRuns, with a cursor to the next page; throws InvalidCursorError on a cursor it did not make. */
  listRunsPage(filter: RunFilter): Promise<RunPage>;
  /** Run events across runs, for the live stream. */
  listRunEvents(filter: RunEventFilter): Promise<StoredRunEvent[]>;
  /** Status, duration and start of a monitor's latest `limit` runs, newest first (for stats). */
  listRunOutcomes(monitorId: string, limit: number): Promise<RunOutcome[]>;

  /** Pre-aggregated 30-minute buckets of a monitor with start in [from, to), ascending; empty buckets absent. */
  listPingBuckets(monitorId: string, from: number, to: number): Promise<PingBucket[]>;
  /**
   * Each monitor's latest `perMonitor` runs, newest first, keyed by monitor id
   * (monitors without runs absent): status and duration of each, and a detail
   * (with events) for the newest run, running runs, and the runs down to and
   * including the newest success that raised no event (see needsDetail).
   */
  listRecentRunsByMonitor(perMonitor: number): Promise<Map<string, RecentRun[]>>;
  /** Ping history, newest first, `limit` at a time after `cursor`. */
  searchPings(filter: PingSearch, limit: number, cursor?: PingCursor): Promise<StoredPing[]>;
  /**
   * Every ping matching `filter` that was stored when the call began, in
   * arrival order, `pageSize` at a time: memory stays bounded however many match.
   */
  exportPings(filter: PingSearch, pageSize: number): AsyncIterable<StoredPing[]>;

  /** Small key/value settings (e.g. the generated API key's hash). */
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;

  close(): Promise<void>;
}

/** A unique constraint was violated by user input (e.g. a taken slug). */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** A ping named a monitor that does not exist (e.g. deleted while the ping was in flight). */
export class UnknownMonitorError extends Error {
  constructor(readonly monitorId: string) {
    super(`no monitor with id "${monitorId.slice(0, 64)}"; check the ping URL`);
    this.name = 'UnknownMonitorError';
  }
}

/** A paging cursor that this store did not make (or that is malformed). */
export class InvalidCursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCursorError';
  }
}
