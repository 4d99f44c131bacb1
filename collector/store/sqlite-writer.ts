// The write side of the SQLite store: every change to the database goes
// through SqliteWriter.commit, which applies a batch of writes in one
// transaction (group commit). It runs either in a worker thread that owns the
// write connection (the collector: HTTP and SQLite then use a core each) or
// inline on the caller's thread (tests, tools). Ops and outcomes are plain
// data, so they cross a thread boundary by structured clone.
//
// One bad write fails alone (see commit: savepoints only when one fails). The monitor
// of a ping is read once per batch, and analytics bucket deltas are summed
// over the batch and written once per bucket just before COMMIT: per-ping work
// that does not have to be per ping is not.

import type { Database as Db, Statement } from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { bucketStart, emptyCounts, pingBucketDelta, watchdogBucketDelta, type BucketCounts } from '../core/ping-buckets.ts';
import { applyPing, decideOutcome, expireRun, type Run, type RunEvent, type Transition } from '../core/run-state.ts';
import { addToBucket, prepareDashboardStatements, type DashboardStatements } from './sqlite-dashboard.ts';
import { fromRun, toMonitor, toPing, toRun, type EventRow, type MonitorRow, type PingRow, type RunRow } from './sqlite-rows.ts';
import {
  ConflictError,
  UnknownMonitorError,
  type IncomingPing,
  type Monitor,
  type MonitorPatch,
  type NewMonitor,
  type RecordResult,
} from './store.ts';

/** One write, as data. */
export type WriteOp =
  | { type: 'createMonitor'; input: NewMonitor; now: number }
  | { type: 'updateMonitor'; id: string; patch: MonitorPatch }
  | { type: 'deleteMonitor'; id: string }
  | { type: 'recordPing'; ping: IncomingPing; now: number }
  | { type: 'expireOverdueRuns'; now: number; limit: number }
  | { type: 'setSetting'; key: string; value: string }
  /** Brings the full-text index up to every committed ping (a search asks first). */
  | { type: 'indexSearch' }
  | { type: 'drain' };

/** What became of one write. Errors travel as data and are rebuilt by decodeWriteError. */
export type WriteOutcome = { ok: true; value: unknown } | { ok: false; error: WriteError };

export interface WriteError {
  name: string;
  message: string;
  monitorId?: string;
}

const MAX_CAS_ATTEMPTS = 5;
/** The run fields besides ping_count and last_message; when a ping leaves them all as they were, progressRun is enough. */
const PROGRESS_ONLY_UNCHANGED = [
  'status', 'failureReason', 'signal', 'firstSeenAt', 'startedAt', 'endedAt', 'durationMs', 'exitCode', 'startCount',
  'deadlineAt', 'closedBy', 'deliveredLate',
] as const satisfies ReadonlyArray<keyof Run>;
/** Open runs the writer remembers between pings (an oldest-first Map). */
const RUN_CACHE_SIZE = 10_000;
/** Index for search once this many pings with text wait... */
const SEARCH_INDEX_BATCH = 500;
/** ...or once the oldest of them has waited this long. */
const SEARCH_INDEX_DELAY_MS = 250;

/** Applies batches of writes to one connection, one transaction per batch. */
export class SqliteWriter {
  readonly #db: Db;
  readonly #stmt: ReturnType<typeof prepareWriteStatements>;
  readonly #dash: DashboardStatements;
  /** Monitors read by the batch being committed; emptied by every batch and every monitor write. */
  #monitorCache = new Map<string, MonitorRow | undefined>();
  /** Bucket deltas of the write in progress: kept only if its savepoint is released. */
  #writeBuckets: PendingBucket[] = [];
  /** Bucket deltas of the batch, summed per (monitor, bucket), written before COMMIT. */
  #batchBuckets = new Map<string, PendingBucket>();
  /**
   * Open runs as this writer last wrote them, so the next ping of a run skips
   * reading it back. Only a hint: every update is conditional on the version,
   * so an entry another process (or a rolled-back write) made stale fails the
   * update and the run is read from the database instead.
   */
  #runs = new Map<string, { pk: number; run: Run }>();
  /** Pings with text committed since the search index last caught up (a hint: indexing reads the real range). */
  #searchPending = 0;
  #searchPendingSince = 0;

  constructor(db: Db) {
    this.#db = db;
    this.#stmt = prepareWriteStatements(db);
    this.#dash = prepareDashboardStatements(db);
    if (this.#indexedSeq() < this.#maxSeq()) this.#searchPending = 1; // left behind by the last process: due now
  }

  /**
   * Indexes committed pings for full-text search once enough wait or the
   * oldest has waited long enough, in a transaction of its own. Returns the ms
   * until it is next due, or null when nothing waits. Call after each commit.
   */
  indexSearchWhenDue(now: number): number | null {
    if (this.#searchPending === 0) return null;
    const waited = now - this.#searchPendingSince;
    if (this.#searchPending < SEARCH_INDEX_BATCH && waited < SEARCH_INDEX_DELAY_MS) return SEARCH_INDEX_DELAY_MS - waited;
    this.commit([{ type: 'indexSearch' }]);
    return null;
  }

  /**
   * Applies `ops` in one transaction; one outcome per op, in order, and an op
   * that fails changes nothing. Optimistic: the batch first runs without
   * savepoints, because a savepoint makes SQLite copy every page the op
   * touches into a statement journal, which cost more than the op itself
   * (about 25 µs a ping). Only when an op throws is the batch rolled back and
   * replayed with a savepoint per op, so the failure stays the op's own.
   */
  commit(ops: readonly WriteOp[]): WriteOutcome[] {
    const outcomes = this.#transaction(ops, false);
    return outcomes ?? (this.#transaction(ops, true) as WriteOutcome[]);
  }

  // One attempt at the batch. Without savepoints it gives up (null) at the
  // first op that throws while the transaction can still be rolled back.
  #transaction(ops: readonly WriteOp[], savepoints: boolean): WriteOutcome[] | null {
    const outcomes: WriteOutcome[] = [];
    const stmt = this.#stmt;
    this.#monitorCache.clear(); // another process may have changed monitors since the last batch
    this.#batchBuckets.clear();
    try {
      stmt.begin.run();
      for (const op of ops) {
        this.#writeBuckets = [];
        if (savepoints) stmt.savepoint.run();
        try {
          const value = this.#apply(op);
          if (savepoints) stmt.release.run();
          this.#keepWriteBuckets();
          outcomes.push({ ok: true, value });
        } catch (error) {
          // SQLite may have rolled back the whole transaction (e.g. disk full): then the batch fails.
          if (!this.#db.inTransaction) throw error;
          if (!savepoints) {
            this.#abandon();
            return null;
          }
          stmt.rollbackTo.run();
          stmt.release.run();
          this.#monitorCache.clear();
          this.#runs.clear();
          outcomes.push({ ok: false, error: encodeWriteError(error) });
        }
      }
      for (const bucket of this.#batchBuckets.values()) {
        // A monitor deleted later in the batch took its buckets with it.
        if (this.#monitorRow(bucket.monitorId)) addToBucket(this.#dash, bucket.monitorId, bucket.bucketStart, bucket.counts);
      }
      stmt.commit.run();
      return outcomes;
    } catch (error) {
      this.#abandon();
      const failed: WriteOutcome = { ok: false, error: encodeWriteError(error) };
      return ops.map(() => failed);
    } finally {
      this.#writeBuckets = [];
      this.#batchBuckets.clear();
    }
  }

  // Rolls back the open transaction and forgets what it wrote into memory.
  #abandon(): void {
    if (this.#db.inTransaction) this.#stmt.rollback.run();
    this.#monitorCache.clear();
    this.#runs.clear();
  }

  #apply(op: WriteOp): unknown {
    switch (op.type) {
      case 'recordPing':
        return this.#recordPing(op.ping, op.now);
      case 'createMonitor':
        return this.#createMonitor(op.input, op.now);
      case 'updateMonitor':
        return this.#updateMonitor(op.id, op.patch);
      case 'deleteMonitor':
        return this.#deleteMonitor(op.id);
      case 'expireOverdueRuns':
        return this.#expireOverdueRuns(op.now, op.limit);
      case 'setSetting':
        this.#stmt.setSetting.run(op.key, op.value);
        return undefined;
      case 'indexSearch':
        this.#indexSearch();
        return undefined;
      case 'drain':
        return undefined;
    }
  }

  // ---- monitors -----------------------------------------------------------

  #createMonitor(input: NewMonitor, now: number): Monitor {
    const row: MonitorRow = {
      id: newMonitorId(),
      name: input.name,
      slug: input.slug,
      min_duration_ms: input.minDurationMs,
      max_duration_ms: input.maxDurationMs,
      created_at: now,
    };
    this.#monitorCache.clear();
    try {
      this.#stmt.insertMonitor.run(row);
    } catch (error) {
      throw asConflict(error, `slug "${input.slug}" is already taken`);
    }
    return toMonitor(row);
  }

  #updateMonitor(id: string, patch: MonitorPatch): Monitor | null {
    const row = this.#stmt.monitorById.get(id, id) as MonitorRow | undefined;
    if (!row) return null;
    const next: MonitorRow = {
      ...row,
      name: patch.name ?? row.name,
      slug: patch.slug ?? row.slug,
      min_duration_ms: patch.minDurationMs === undefined ? row.min_duration_ms : patch.minDurationMs,
      max_duration_ms: patch.maxDurationMs === undefined ? row.max_duration_ms : patch.maxDurationMs,
    };
    this.#monitorCache.clear();
    try {
      this.#stmt.updateMonitor.run(next);
    } catch (error) {
      throw asConflict(error, `slug "${next.slug}" is already taken`);
    }
    return toMonitor(next);
  }

  #deleteMonitor(id: string): boolean {
    const row = this.#stmt.monitorById.get(id, id) as MonitorRow | undefined;
    if (!row) return false;
    // Pings, runs and events go with the monitor (ON DELETE CASCADE).
    this.#monitorCache.clear();
    this.#stmt.deleteMonitor.run(row.id);
    this.#runs.clear();
    // Rowids past the highest one left are handed out again: they must count as not yet indexed.
    this.#stmt.lowerIndexedSeq.run();
    return true;
  }

  // Pings name their monitor by id (the route resolved it); read once per batch.
  #monitorRow(id: string): MonitorRow | undefined {
    if (!this.#monitorCache.has(id)) this.#monitorCache.set(id, this.#stmt.monitorByIdOnly.get(id) as MonitorRow | undefined);
    return this.#monitorCache.get(id);
  }

  // ---- pings and runs ------------------------------------------------------

  #recordPing(ping: IncomingPing, now: number): RecordResult {
    const seen =
      ping.pingIdFromClient === false
        ? undefined
        : (this.#stmt.pingByClientId.get(ping.monitorId, ping.runId, ping.pingId) as PingRow | undefined);
    if (seen) {
      // A replay is the same ping again; the same id on another kind of ping would silently drop it.
      if (seen.kind !== ping.kind || seen.exit_code !== ping.exitCode) {
        throw new ConflictError(`ping_id "${ping.pingId}" was already used in run "${ping.runId}" for a ${seen.kind} ping; give each ping its own id`);
      }
      const run = this.#loadRun(ping.monitorId, seen.run_id);
      if (!run) throw new Error(`ping ${ping.pingId} has no run`);
      return { run: run.run, ping: toPing(seen), duplicate: true };
    }
    const monitor = this.#monitorRow(ping.monitorId);
    if (!monitor) throw new UnknownMonitorError(ping.monitorId);
    const limits = { minDurationMs: monitor.min_duration_ms, maxDurationMs: monitor.max_duration_ms };

    const key = runKey(ping.monitorId, ping.runId);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const cached = attempt === 0 ? this.#runs.get(key) : undefined;
      const loaded = cached ?? this.#loadRun(ping.monitorId, ping.runId);
      const transition = applyPing(loaded?.run ?? null, ping, limits, ping.monitorId, now);
      const pk = loaded ? this.#updateRun(loaded.pk, loaded.run, transition) : this.#insertRun(transition.run);
      if (pk === null) {
        this.#runs.delete(key);
        continue; // stale memory, or lost a race with another writer: read it and re-apply
      }
      this.#rememberRun(key, pk, { ...transition.run, version: transition.run.version + 1 });
      const row: PingRow = {
        seq: 0,
        ping_id: ping.pingId,
        monitor_id: ping.monitorId,
        run_id: ping.runId,
        kind: ping.kind,
        received_at: now,
        message: ping.message,
        exit_code: ping.exitCode,
        duration_ms: ping.durationMs,
        payload: ping.payload,
        payload_size: ping.payloadSize,
        truncated: ping.truncated ? 1 : 0,
        content_type: ping.contentType,
        sent_at: ping.sentAt,
        late: ping.late ? 1 : 0,
      };
      const info = this.#stmt.insertPing.run({ ...row, run_pk: pk });
      row.seq = Number(info.lastInsertRowid);
      if (row.message !== null || row.payload !== null) {
        if (this.#searchPending++ === 0) this.#searchPendingSince = now;
      }
      // Same transaction as the ping: the analytics bucket never disagrees with the pings.
      const terminal = ping.kind === 'success' || ping.kind === 'failure';
      const closedNow = terminal && loaded?.run.closedBy !== 'ping' && transition.run.closedBy === 'ping';
      const delta = pingBucketDelta(ping.kind, terminal ? decideOutcome(ping).status : null, closedNow ? transition.run.durationMs : null);
      this.#addToBucket(ping.monitorId, bucketStart(now), delta);
      const watchdogClosed = loaded?.run.closedBy === 'watchdog' ? loaded.run.endedAt : null;
      if (closedNow && watchdogClosed !== null) {
        // The run did finish after all: it now counts by its real outcome, no longer as auto-failed.
        this.#addToBucket(ping.monitorId, bucketStart(watchdogClosed), { ...emptyCounts(), autoFailed: -1 });
      }
      return { run: { ...transition.run, version: transition.run.version + 1 }, ping: toPing(row), duplicate: false };
    }
    throw new Error(`run ${ping.runId} kept changing under us`);
  }

  #expireOverdueRuns(now: number, limit: number): Run[] {
    const rows = this.#stmt.overdueRuns.all(now, limit) as RunRow[];
    const closed: Run[] = [];
    for (const row of rows) {
      const transition = expireRun(toRun(row, this.#stmt.eventsOfRun.all(row.pk) as EventRow[]), now);
      if (!transition.changed) continue;
      // WHERE status = 'running' AND version = ?: a terminal ping that won the race keeps its outcome.
      const info = this.#stmt.expireRun.run({ pk: row.pk, ended_at: now, expected_version: row.version });
      this.#runs.delete(runKey(row.monitor_id, row.run_id));
      if (info.changes === 0) continue;
      this.#insertEvents(row.pk, transition.raised);
      this.#addToBucket(row.monitor_id, bucketStart(now), watchdogBucketDelta());
      closed.push({ ...transition.run, version: row.version + 1 });
    }
    return closed;
  }

  // Every committed ping past the watermark into the index, and the watermark to the last.
  #indexSearch(): void {
    const from = this.#indexedSeq();
    const to = this.#maxSeq();
    if (to > from) {
      this.#stmt.indexPings.run(from, to);
      this.#stmt.setIndexedSeq.run(to);
    }
    this.#searchPending = 0;
  }

  #indexedSeq(): number {
    return (this.#stmt.indexedSeq.get() as { seq: number }).seq;
  }

  #maxSeq(): number {
    return (this.#stmt.maxSeq.get() as { seq: number }).seq;
  }

  // Deltas wait for the write's savepoint: a write that fails adds nothing.
  #addToBucket(monitorId: string, start: number, counts: BucketCounts): void {
    this.#writeBuckets.push({ monitorId, bucketStart: start, counts });
  }

  #keepWriteBuckets(): void {
    for (const { monitorId, bucketStart: start, counts } of this.#writeBuckets) {
      const key = `${monitorId} ${start}`;
      const sum = this.#batchBuckets.get(key);
      if (!sum) {
        this.#batchBuckets.set(key, { monitorId, bucketStart: start, counts: { ...counts } });
        continue;
      }
      for (const field of Object.keys(counts) as Array<keyof BucketCounts>) sum.counts[field] += counts[field];
    }
  }

  // One conditional insert: a concurrent creator makes it a no-op and we retry as an update.
  #insertRun(run: Run): number | null {
    const info = this.#stmt.insertRun.run({ ...fromRun(run), version: 1 });
    if (info.changes === 0) return null;
    const pk = Number(info.lastInsertRowid);
    this.#insertEvents(pk, run.events);
    return pk;
  }

  // One conditional update on the version we read: never overwrites a newer state. A ping that
  // changed only the counters (a /log) names only those, so SQLite leaves the indexes on status and
  // deadline alone.
  #updateRun(pk: number, before: Run, transition: Transition): number | null {
    const run = transition.run;
    const info = PROGRESS_ONLY_UNCHANGED.every((field) => before[field] === run[field])
      ? this.#stmt.progressRun.run({ pk, expected_version: run.version, ping_count: run.pingCount, last_message: run.lastMessage })
      : this.#stmt.updateRun.run({ ...fromRun(run), pk, expected_version: run.version });
    if (info.changes === 0) return null;
    this.#insertEvents(pk, transition.raised);
    return pk;
  }

  #insertEvents(pk: number, events: RunEvent[]): void {
    for (const event of events) this.#stmt.insertEvent.run(pk, event.type, event.at, event.detail);
  }

  #rememberRun(key: string, pk: number, run: Run): void {
    this.#runs.delete(key); // re-inserted last: the Map's order is oldest first
    if (run.status !== 'running') return; // finished runs rarely hear from again
    this.#runs.set(key, { pk, run });
    if (this.#runs.size > RUN_CACHE_SIZE) this.#runs.delete(this.#runs.keys().next().value!);
  }

  #loadRun(monitorId: string, runId: string): { pk: number; run: Run } | null {
    const row = this.#stmt.runByKey.get(monitorId, runId) as RunRow | undefined;
    if (!row) return null;
    const events = this.#stmt.eventsOfRun.all(row.pk) as EventRow[];
    return { pk: row.pk, run: toRun(row, events) };
  }
}

function runKey(monitorId: string, runId: string): string {
  return `${monitorId} ${runId}`; // run ids never contain spaces
}

/** A thrown error as data that survives structured clone. */
export function encodeWriteError(error: unknown): WriteError {
  if (error instanceof UnknownMonitorError) return { name: error.name, message: error.message, monitorId: error.monitorId };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The typed error a WriteError stands for (ConflictError, UnknownMonitorError or Error). */
export function decodeWriteError(error: WriteError): Error {
  if (error.name === 'ConflictError') return new ConflictError(error.message);
  if (error.name === 'UnknownMonitorError' && error.monitorId !== undefined) return new UnknownMonitorError(error.monitorId);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}

interface PendingBucket {
  monitorId: string;
  bucketStart: number;
  counts: BucketCounts;
}

// 128 random bits: monitor ids are the only secret a ping URL carries.
function newMonitorId(): string {
  return `mon_${randomBytes(16).toString('base64url')}`;
}

function asConflict(error: unknown, message: string): unknown {
  return error instanceof Error && /UNIQUE constraint failed/.test(error.message) ? new ConflictError(message) : error;
}

function prepareWriteStatements(db: Db) {
  const s = (sql: string): Statement => db.prepare(sql);
  return {
    // The group commit's own statements, prepared once (db.transaction() builds
    // new wrapper functions on every call, which showed up per ping in profiles).
    // IMMEDIATE takes the write lock up front, waiting out another writer with
    // busy_timeout; a deferred BEGIN that read first would fail at once with
    // SQLITE_BUSY if another connection committed in between.
    begin: s('BEGIN IMMEDIATE'),
    commit: s('COMMIT'),
    rollback: s('ROLLBACK'),
    savepoint: s('SAVEPOINT drumbeats_write'),
    release: s('RELEASE drumbeats_write'),
    rollbackTo: s('ROLLBACK TO drumbeats_write'),
    insertMonitor: s(`INSERT INTO monitors (id, name, slug, min_duration_ms, max_duration_ms, created_at)
      VALUES (@id, @name, @slug, @min_duration_ms, @max_duration_ms, @created_at)`),
    monitorById: s('SELECT * FROM monitors WHERE id = ? OR slug = ? LIMIT 1'),
    monitorByIdOnly: s('SELECT * FROM monitors WHERE id = ?'),
    updateMonitor: s(`UPDATE monitors SET name = @name, slug = @slug, min_duration_ms = @min_duration_ms,
      max_duration_ms = @max_duration_ms WHERE id = @id`),
    deleteMonitor: s('DELETE FROM monitors WHERE id = ?'),
    pingByClientId: s('SELECT * FROM pings WHERE monitor_id = ? AND run_id = ? AND ping_id = ?'),
    runByKey: s('SELECT * FROM runs WHERE monitor_id = ? AND run_id = ?'),
    eventsOfRun: s('SELECT * FROM run_events WHERE run_pk = ? ORDER BY at, type'),
    insertRun: s(`INSERT INTO runs (monitor_id, run_id, status, failure_reason, signal, first_seen_at, started_at,
        ended_at, duration_ms, exit_code, start_count, ping_count, last_message, deadline_at, closed_by,
        delivered_late, version)
      VALUES (@monitor_id, @run_id, @status, @failure_reason, @signal, @first_seen_at, @started_at, @ended_at,
        @duration_ms, @exit_code, @start_count, @ping_count, @last_message, @deadline_at, @closed_by,
        @delivered_late, @version)
      ON CONFLICT (monitor_id, run_id) DO NOTHING`),
    updateRun: s(`UPDATE runs SET status = @status, failure_reason = @failure_reason, signal = @signal,
        started_at = @started_at, ended_at = @ended_at, duration_ms = @duration_ms, exit_code = @exit_code,
        start_count = @start_count, ping_count = @ping_count, last_message = @last_message,
        deadline_at = @deadline_at, closed_by = @closed_by, delivered_late = @delivered_late,
        version = version + 1
      WHERE pk = @pk AND version = @expected_version`),
    progressRun: s(`UPDATE runs SET ping_count = @ping_count, last_message = @last_message, version = version + 1
      WHERE pk = @pk AND version = @expected_version`),
    expireRun: s(`UPDATE runs SET status = 'failed', failure_reason = 'watchdog', signal = NULL,
        ended_at = @ended_at, duration_ms = NULL, deadline_at = NULL, closed_by = 'watchdog',
        version = version + 1
      WHERE pk = @pk AND status = 'running' AND version = @expected_version`),
    insertEvent: s('INSERT OR IGNORE INTO run_events (run_pk, type, at, detail) VALUES (?, ?, ?, ?)'),
    insertPing: s(`INSERT INTO pings (ping_id, monitor_id, run_pk, run_id, kind, received_at, message, exit_code,
        duration_ms, payload, payload_size, truncated, content_type, sent_at, late)
      VALUES (@ping_id, @monitor_id, @run_pk, @run_id, @kind, @received_at, @message, @exit_code, @duration_ms,
        @payload, @payload_size, @truncated, @content_type, @sent_at, @late)`),
    overdueRuns: s(`SELECT * FROM runs WHERE status = 'running' AND deadline_at IS NOT NULL AND deadline_at <= ?
      ORDER BY deadline_at LIMIT ?`),
    setSetting: s('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    indexedSeq: s('SELECT indexed_seq AS seq FROM search_progress WHERE id = 1'),
    maxSeq: s('SELECT COALESCE(MAX(seq), 0) AS seq FROM pings'),
    indexPings: s(`INSERT INTO ping_search (rowid, message, payload)
      SELECT seq, message, payload FROM pings
      WHERE seq > ? AND seq <= ? AND (message IS NOT NULL OR payload IS NOT NULL)`),
    setIndexedSeq: s('UPDATE search_progress SET indexed_seq = ? WHERE id = 1'),
    lowerIndexedSeq: s(`UPDATE search_progress SET indexed_seq = MIN(indexed_seq, (SELECT COALESCE(MAX(seq), 0) FROM pings))
      WHERE id = 1`),
  };
}
