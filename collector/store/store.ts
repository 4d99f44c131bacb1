// The storage contract. Every method is async so a PostgreSQL store can
// implement it as well as the embedded SQLite one. Run transitions are
// computed by the pure core and persisted with one conditional update each,
// so two collectors sharing a database can never both close the same run.

import type { PingKind, RunStatus } from '../../shared/protocol.ts';
import type { ParsedPing } from '../core/ping-request.ts';
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
  /** True when a ping with the same ping_id was already stored: nothing changed. */
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
  limit: number;
}

export interface PingFilter {
  monitorId?: string;
  runId?: string;
  kind?: PingKind;
  limit: number;
  /** Only pings with seq greater than this (for streaming / paging forward). */
  afterSeq?: number;
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
