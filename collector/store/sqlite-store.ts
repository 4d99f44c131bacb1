// The embedded store: one SQLite file in WAL mode through better-sqlite3.
//
// Durability and speed come from group commit. better-sqlite3 is synchronous,
// so writes are queued and the whole queue is committed in one transaction on
// the next turn of the event loop; each write's promise settles only after
// that commit, so a 2xx is never sent for a ping that is not on disk. With
// synchronous=FULL the commit fsyncs the WAL: one fsync per batch instead of
// one per ping. Each queued write runs in its own savepoint, so one bad write
// fails alone. The savepoint statements are prepared once, the monitor of a
// ping is read once per batch, and analytics bucket deltas are summed over the
// batch and written once per bucket just before COMMIT: per-ping work that
// does not have to be per ping is not.

import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventType, FailureReason, PingKind, RunStatus } from '../../shared/protocol.ts';
import type { RunOutcome } from '../core/run-stats.ts';
import { needsDetail, type RecentRun, type RunDetail } from '../core/monitor-overview.ts';
import { bucketStart, emptyCounts, pingBucketDelta, watchdogBucketDelta, type BucketCounts, type PingBucket } from '../core/ping-buckets.ts';
import { applyPing, decideOutcome, expireRun, type Run, type RunEvent, type Transition } from '../core/run-state.ts';
import {
  addToBucket,
  iterateExportPages,
  prepareDashboardStatements,
  selectBuckets,
  selectPingHistory,
  type DashboardStatements,
  type RecentEventRow,
  type RecentRunRow,
  type RunDetailRow,
} from './sqlite-dashboard.ts';
import { MIGRATIONS } from './sqlite-schema.ts';
import {
  ConflictError,
  UnknownMonitorError,
  InvalidCursorError,
  type IncomingPing,
  type Monitor,
  type MonitorPatch,
  type NewMonitor,
  type PingCursor,
  type PingSearch,
  type PingFilter,
  type RecordResult,
  type RunEventFilter,
  type RunFilter,
  type RunPage,
  type Store,
  type StoredPing,
  type StoredRunEvent,
} from './store.ts';

export interface SqliteStoreOptions {
  /** `full` fsyncs every commit (default); `normal` survives a process crash but not power loss. */
  synchronous?: 'full' | 'normal';
}

interface RunRow {
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

interface EventRow {
  run_pk: number;
  type: EventType;
  at: number;
  detail: string | null;
}

interface PingRow {
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

interface MonitorRow {
  id: string;
  name: string;
  slug: string;
  min_duration_ms: number | null;
  max_duration_ms: number | null;
  created_at: number;
}

interface QueuedWrite {
  op: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const MAX_CAS_ATTEMPTS = 5;
const RUN_STATUS_LITERAL: Record<RunStatus, string> = { running: 'running', success: 'success', failed: 'failed' };

/** Opens (creating if needed) the SQLite store at `file`. */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteStore {
  mkdirSync(dirname(file), { recursive: true });
  // Payloads can hold secrets: the database is the owner's alone. SQLite gives
  // its -wal and -shm files the database file's permissions.
  closeSync(openSync(file, 'a', 0o600));
  return new SqliteStore(new Database(file), options);
}

export class SqliteStore implements Store {
  readonly #db: Db;
  #queue: QueuedWrite[] = [];
  #flushScheduled = false;
  #closed = false;
  readonly #stmt: ReturnType<typeof prepareStatements>;
  readonly #dash: DashboardStatements;
  readonly #txn: ReturnType<typeof prepareTransactionStatements>;
  /** Monitors read by the batch being committed; emptied by every flush and every monitor write. */
  #monitorCache = new Map<string, MonitorRow | undefined>();
  /** Bucket deltas of the write in progress: kept only if its savepoint is released. */
  #writeBuckets: PendingBucket[] = [];
  /** Bucket deltas of the batch, summed per (monitor, bucket), written before COMMIT. */
  #batchBuckets = new Map<string, PendingBucket>();

  constructor(db: Db, options: SqliteStoreOptions) {
    this.#db = db;
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
    this.#stmt = prepareStatements(db);
    this.#dash = prepareDashboardStatements(db);
    this.#txn = prepareTransactionStatements(db);
  }

  // ---- monitors -----------------------------------------------------------

  createMonitor(input: NewMonitor, now: number): Promise<Monitor> {
    return this.#write(() => {
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
    });
  }

  async getMonitor(idOrSlug: string): Promise<Monitor | null> {
    const row = this.#stmt.monitorById.get(idOrSlug, idOrSlug) as MonitorRow | undefined;
    return row ? toMonitor(row) : null;
  }

  async listMonitors(): Promise<Monitor[]> {
    return (this.#stmt.listMonitors.all() as MonitorRow[]).map(toMonitor);
  }

  updateMonitor(id: string, patch: MonitorPatch): Promise<Monitor | null> {
    return this.#write(() => {
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
    });
  }

  deleteMonitor(id: string): Promise<boolean> {
    return this.#write(() => {
      const row = this.#stmt.monitorById.get(id, id) as MonitorRow | undefined;
      if (!row) return false;
      // Pings, runs and events go with the monitor (ON DELETE CASCADE).
      this.#monitorCache.clear();
      this.#stmt.deleteMonitor.run(row.id);
      return true;
    });
  }

  // ---- pings and runs ------------------------------------------------------

  recordPing(ping: IncomingPing, now: number): Promise<RecordResult> {
    return this.#write(() => this.#recordPingNow(ping, now));
  }

  #recordPingNow(ping: IncomingPing, now: number): RecordResult {
    const seen =
      ping.pingIdFromClient === false
        ? undefined
        : (this.#stmt.pingByClientId.get(ping.monitorId, ping.runId, ping.pingId) as PingRow | undefined);
    if (seen) {
      const run = this.#loadRun(ping.monitorId, seen.run_id);
      if (!run) throw new Error(`ping ${ping.pingId} has no run`);
      return { run: run.run, ping: toPing(seen), duplicate: true };
    }
    const monitor = this.#monitorRow(ping.monitorId);
    if (!monitor) throw new UnknownMonitorError(ping.monitorId);
    const limits = { minDurationMs: monitor.min_duration_ms, maxDurationMs: monitor.max_duration_ms };

    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const loaded = this.#loadRun(ping.monitorId, ping.runId);
      const transition = applyPing(loaded?.run ?? null, ping, limits, ping.monitorId, now);
      const pk = loaded ? this.#updateRun(loaded.pk, transition) : this.#insertRun(transition.run);
      if (pk === null) continue; // lost a race with another writer: reload and re-apply
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

  // Pings name their monitor by id (the route resolved it); read once per batch.
  #monitorRow(id: string): MonitorRow | undefined {
    if (!this.#monitorCache.has(id)) this.#monitorCache.set(id, this.#stmt.monitorByIdOnly.get(id) as MonitorRow | undefined);
    return this.#monitorCache.get(id);
  }

  // Deltas wait for the write's savepoint: a write that fails adds nothing.
  #addToBucket(monitorId: string, start: number, counts: BucketCounts): void {
    this.#writeBuckets.push({ monitorId, bucketStart: start, counts });
  }

  // One conditional insert: a concurrent creator makes it a no-op and we retry as an update.
  #insertRun(run: Run): number | null {
    const info = this.#stmt.insertRun.run({ ...fromRun(run), version: 1 });
    if (info.changes === 0) return null;
    const pk = Number(info.lastInsertRowid);
    this.#insertEvents(pk, run.events);
    return pk;
  }

  // One conditional update on the version we read: never overwrites a newer state.
  #updateRun(pk: number, transition: Transition): number | null {
    const info = this.#stmt.updateRun.run({ ...fromRun(transition.run), pk, expected_version: transition.run.version });
    if (info.changes === 0) return null;
    this.#insertEvents(pk, transition.raised);
    return pk;
  }

  #insertEvents(pk: number, events: RunEvent[]): void {
    for (const event of events) this.#stmt.insertEvent.run(pk, event.type, event.at, event.detail);
  }

  #loadRun(monitorId: string, runId: string): { pk: number; run: Run } | null {
    const row = this.#stmt.runByKey.get(monitorId, runId) as RunRow | undefined;
    if (!row) return null;
    const events = this.#stmt.eventsOfRun.all(row.pk) as EventRow[];
    return { pk: row.pk, run: toRun(row, events) };
  }

  expireOverdueRuns(now: number, limit: number): Promise<Run[]> {
    return this.#write(() => {
      const rows = this.#stmt.overdueRuns.all(now, limit) as RunRow[];
      const closed: Run[] = [];
      for (const row of rows) {
        const transition = expireRun(toRun(row, this.#stmt.eventsOfRun.all(row.pk) as EventRow[]), now);
        if (!transition.changed) continue;
        // WHERE status = 'running' AND version = ?: a terminal ping that won the race keeps its outcome.
        const info = this.#stmt.expireRun.run({
          pk: row.pk,
          ended_at: now,
          expected_version: row.version,
        });
        if (info.changes === 0) continue;
        this.#insertEvents(row.pk, transition.raised);
        this.#addToBucket(row.monitor_id, bucketStart(now), watchdogBucketDelta());
        closed.push({ ...transition.run, version: row.version + 1 });
      }
      return closed;
    });
  }

  async nextDeadline(): Promise<number | null> {
    const row = this.#stmt.nextDeadline.get() as { deadline_at: number | null } | undefined;
    return row?.deadline_at ?? null;
  }

  async listRuns(filter: RunFilter): Promise<Run[]> {
    return this.#withEvents(this.#selectRuns(filter));
  }

  async listRunsPage(filter: RunFilter): Promise<RunPage> {
    const rows = this.#selectRuns({ ...filter, limit: filter.limit + 1 });
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    // "<first_seen_at>.<pk>": the exact position in the (first_seen_at, pk) order, ties included.
    return { runs: this.#withEvents(page), nextCursor: rows.length > filter.limit && last ? `${last.first_seen_at}.${last.pk}` : null };
  }

  async listRunEvents(filter: RunEventFilter): Promise<StoredRunEvent[]> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    if (filter.monitorId !== undefined) (where.push('r.monitor_id = @monitor_id'), (params.monitor_id = filter.monitorId));
    if (filter.afterId !== undefined) (where.push('e.id > @after'), (params.after = filter.afterId));
    const sql = `SELECT e.id, e.type, e.at, e.detail, r.monitor_id, r.run_id FROM run_events e JOIN runs r ON r.pk = e.run_pk
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.id ${filter.afterId !== undefined ? 'ASC' : 'DESC'} LIMIT @limit`;
    const rows = this.#db.prepare(sql).all(params) as Array<EventRow & { id: number; monitor_id: string; run_id: string }>;
    return rows.map((row) => ({ id: row.id, monitorId: row.monitor_id, runId: row.run_id, type: row.type, at: row.at, detail: row.detail }));
  }

  async listRunOutcomes(monitorId: string, limit: number): Promise<RunOutcome[]> {
    const rows = this.#db
      .prepare(`SELECT status, duration_ms, COALESCE(started_at, first_seen_at) AS started_at FROM runs
        WHERE monitor_id = ? ORDER BY first_seen_at DESC, pk DESC LIMIT ?`)
      .all(monitorId, limit) as Array<{ status: RunStatus; duration_ms: number | null; started_at: number }>;
    return rows.map((row) => ({ status: row.status, durationMs: row.duration_ms, startedAt: row.started_at }));
  }

  #selectRuns(filter: RunFilter): RunRow[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    if (filter.monitorId !== undefined) (where.push('monitor_id = @monitor_id'), (params.monitor_id = filter.monitorId));
    if (filter.runId !== undefined) (where.push('run_id = @run_id'), (params.run_id = filter.runId));
    // A literal, not a parameter: only then can SQLite use the partial index of running runs.
    if (filter.status !== undefined) where.push(`status = '${RUN_STATUS_LITERAL[filter.status]}'`);
    if (filter.since !== undefined) (where.push('first_seen_at >= @since'), (params.since = filter.since));
    if (filter.before !== undefined) (where.push('first_seen_at < @before'), (params.before = filter.before));
    if (filter.cursor !== undefined) {
      const match = /^(\d{1,15})\.(\d{1,15})$/.exec(filter.cursor);
      if (!match) throw new InvalidCursorError(`"${filter.cursor.slice(0, 40)}" is not a runs cursor`);
      where.push('(first_seen_at < @cursor_at OR (first_seen_at = @cursor_at AND pk < @cursor_pk))');
      params.cursor_at = Number(match[1]);
      params.cursor_pk = Number(match[2]);
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY first_seen_at DESC, pk DESC LIMIT @limit`;
    return this.#db.prepare(sql).all(params) as RunRow[];
  }

  #withEvents(rows: RunRow[]): Run[] {
    if (rows.length === 0) return [];
    const byRun = new Map<number, EventRow[]>();
    const placeholders = rows.map(() => '?').join(',');
    const events = this.#db
      .prepare(`SELECT * FROM run_events WHERE run_pk IN (${placeholders}) ORDER BY at, type`)
      .all(...rows.map((r) => r.pk)) as EventRow[];
    for (const event of events) {
      const list = byRun.get(event.run_pk) ?? [];
      list.push(event);
      byRun.set(event.run_pk, list);
    }
    return rows.map((row) => toRun(row, byRun.get(row.pk) ?? []));
  }

  async getRun(monitorId: string, runId: string): Promise<Run | null> {
    return this.#loadRun(monitorId, runId)?.run ?? null;
  }

  async listPings(filter: PingFilter): Promise<StoredPing[]> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    if (filter.monitorId !== undefined) (where.push('monitor_id = @monitor_id'), (params.monitor_id = filter.monitorId));
    if (filter.runId !== undefined) (where.push('run_id = @run_id'), (params.run_id = filter.runId));
    if (filter.kind !== undefined) (where.push('kind = @kind'), (params.kind = filter.kind));
    if (filter.afterSeq !== undefined) (where.push('seq > @after'), (params.after = filter.afterSeq));
    const fromEnd = filter.last === true && filter.runId !== undefined;
    const order = !fromEnd && (filter.afterSeq !== undefined || filter.runId !== undefined) ? 'ASC' : 'DESC';
    const sql = `SELECT * FROM pings ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq ${order} LIMIT @limit`;
    const pings = (this.#db.prepare(sql).all(params) as PingRow[]).map(toPing);
    return fromEnd ? pings.reverse() : pings;
  }

  // ---- dashboard (analytics, overview, history, export) ----------------------

  async listPingBuckets(monitorId: string, from: number, to: number): Promise<PingBucket[]> {
    return selectBuckets(this.#dash, monitorId, from, to);
  }

  async listRecentRunsByMonitor(perMonitor: number): Promise<Map<string, RecentRun[]>> {
    const byMonitor = new Map<string, RecentRun[]>();
    for (const { id } of this.#dash.monitorIds.all() as Array<{ id: string }>) {
      const rows = this.#dash.recentRuns.all(id, perMonitor) as RecentRunRow[];
      if (rows.length === 0) continue;
      let beforeCleanSuccess = true;
      const runs = rows.map(([pk, status, durationMs], index): RecentRun => {
        let detail: RunDetail | null = null;
        if (needsDetail(index, status, beforeCleanSuccess)) {
          const [runId, firstSeenAt, startedAt, deadlineAt] = this.#dash.runDetail.get(pk) as RunDetailRow;
          const events = beforeCleanSuccess
            ? (this.#dash.eventsOfRun.all(pk) as RecentEventRow[]).map((e) => ({ ...e, type: e.type as EventType }))
            : [];
          if (status === 'success' && events.length === 0) beforeCleanSuccess = false;
          detail = { runId, firstSeenAt, startedAt, deadlineAt, events };
        }
        return { status, durationMs, detail };
      });
      byMonitor.set(id, runs);
    }
    return byMonitor;
  }

  async searchPings(filter: PingSearch, limit: number, cursor?: PingCursor): Promise<StoredPing[]> {
    return (selectPingHistory(this.#db, filter, limit, cursor) as PingRow[]).map(toPing);
  }

  async *exportPings(filter: PingSearch, pageSize: number): AsyncGenerator<StoredPing[]> {
    for (const page of iterateExportPages(this.#db, this.#dash, filter, pageSize)) {
      if (this.#closed) return;
      yield (page as PingRow[]).map(toPing);
    }
  }

  // ---- settings ------------------------------------------------------------

  async getSetting(key: string): Promise<string | null> {
    const row = this.#stmt.getSetting.get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setSetting(key: string, value: string): Promise<void> {
    return this.#write(() => {
      this.#stmt.setSetting.run(key, value);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#write(() => undefined); // drain what is queued
    this.#closed = true;
    this.#db.close();
  }

  // ---- group commit --------------------------------------------------------

  #write<T>(op: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // setImmediate runs after the current I/O phase: every request parsed
        // in this turn of the loop joins the same transaction.
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    const batch = this.#queue;
    this.#queue = [];
    this.#flushScheduled = false;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const txn = this.#txn;
    this.#monitorCache.clear(); // another process may have changed monitors since the last batch
    this.#batchBuckets.clear();
    try {
      txn.begin.run();
      for (const item of batch) {
        this.#writeBuckets = [];
        // Each write in its own savepoint: a failing write rolls back alone.
        txn.savepoint.run();
        try {
          const value = item.op();
          txn.release.run();
          this.#keepWriteBuckets();
          outcomes.push({ ok: true, value });
        } catch (error) {
          // SQLite may have rolled back the whole transaction (e.g. disk full): then the batch fails.
          if (!this.#db.inTransaction) throw error;
          txn.rollbackTo.run();
          txn.release.run();
          this.#monitorCache.clear();
          outcomes.push({ ok: false, error });
        }
      }
      for (const bucket of this.#batchBuckets.values()) {
        // A monitor deleted later in the batch took its buckets with it.
        if (this.#monitorRow(bucket.monitorId)) addToBucket(this.#dash, bucket.monitorId, bucket.bucketStart, bucket.counts);
      }
      txn.commit.run();
    } catch (error) {
      if (this.#db.inTransaction) txn.rollback.run();
      this.#monitorCache.clear();
      for (const item of batch) item.reject(error);
      return;
    } finally {
      this.#writeBuckets = [];
      this.#batchBuckets.clear();
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
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
}

interface PendingBucket {
  monitorId: string;
  bucketStart: number;
  counts: BucketCounts;
}

// The group commit's own statements, prepared once (db.transaction() builds
// new wrapper functions on every call, which showed up per ping in profiles).
function prepareTransactionStatements(db: Db) {
  return {
    begin: db.prepare('BEGIN'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    savepoint: db.prepare('SAVEPOINT drumbeats_write'),
    release: db.prepare('RELEASE drumbeats_write'),
    rollbackTo: db.prepare('ROLLBACK TO drumbeats_write'),
  };
}

// Applies the migrations this database has not seen, each in its own transaction.
function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`database schema ${version} is newer than this drumbeats (${MIGRATIONS.length}); upgrade drumbeats`);
  }
  MIGRATIONS.slice(version).forEach((sql, i) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + i + 1}`);
    })();
  });
}

function prepareStatements(db: Db) {
  const s = (sql: string): Statement => db.prepare(sql);
  return {
    insertMonitor: s(`INSERT INTO monitors (id, name, slug, min_duration_ms, max_duration_ms, created_at)
      VALUES (@id, @name, @slug, @min_duration_ms, @max_duration_ms, @created_at)`),
    monitorById: s('SELECT * FROM monitors WHERE id = ? OR slug = ? LIMIT 1'),
    monitorByIdOnly: s('SELECT * FROM monitors WHERE id = ?'),
    listMonitors: s('SELECT * FROM monitors ORDER BY name COLLATE NOCASE, created_at'),
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
    nextDeadline: s(`SELECT MIN(deadline_at) AS deadline_at FROM runs
      WHERE status = 'running' AND deadline_at IS NOT NULL`),
    getSetting: s('SELECT value FROM settings WHERE key = ?'),
    setSetting: s('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
  };
}

// 128 random bits: monitor ids are the only secret a ping URL carries.
function newMonitorId(): string {
  return `mon_${randomBytes(16).toString('base64url')}`;
}

function asConflict(error: unknown, message: string): unknown {
  return error instanceof Error && /UNIQUE constraint failed/.test(error.message) ? new ConflictError(message) : error;
}

function toMonitor(row: MonitorRow): Monitor {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    minDurationMs: row.min_duration_ms,
    maxDurationMs: row.max_duration_ms,
    createdAt: row.created_at,
  };
}

function toRun(row: RunRow, events: EventRow[]): Run {
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

function fromRun(run: Run): Omit<RunRow, 'pk' | 'version'> {
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

function toPing(row: PingRow): StoredPing {
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
