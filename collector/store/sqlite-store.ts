// The embedded store: one SQLite file in WAL mode through better-sqlite3.
//
// Reads run on the caller's thread, on their own connection. Every write goes
// to a SqliteWriter (sqlite-writer.ts) as data: in the collector, one running
// in a worker thread that owns the write connection, so HTTP and SQLite each
// get a core; inline otherwise. Durability comes from group commit: writes are
// queued, the queue is sent as one batch on the next turn of the event loop,
// and each write's promise settles only after its batch has committed, so a
// 2xx is never sent for a ping that is not on disk. With synchronous=FULL the
// commit fsyncs the WAL: one fsync per batch instead of one per ping.

import type { Database as Db, Statement } from 'better-sqlite3';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { makeDirs } from '../../shared/make-dirs.ts';
import type { EventType, RunStatus } from '../../shared/protocol.ts';
import type { RunOutcome } from '../core/run-stats.ts';
import { needsDetail, type RecentRun, type RunDetail } from '../core/monitor-overview.ts';
import type { PingBucket } from '../core/ping-buckets.ts';
import type { Run } from '../core/run-state.ts';
import { openConnection, type Synchronous } from './sqlite-connection.ts';
import {
  iterateExportPages,
  prepareDashboardStatements,
  selectBuckets,
  selectPingHistory,
  type DashboardStatements,
  type RecentEventRow,
  type RecentRunRow,
  type RunDetailRow,
} from './sqlite-dashboard.ts';
import { toMonitor, toPing, toRun, type EventRow, type MonitorRow, type PingRow, type RunRow } from './sqlite-rows.ts';
import { MIGRATIONS } from './sqlite-schema.ts';
import { decodeWriteError, SqliteWriter, type WriteOp, type WriteOutcome } from './sqlite-writer.ts';
import type { WriterData, WriterReply, WriterRequest } from './writer-thread.ts';
import {
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
  synchronous?: Synchronous;
  /** The built writer thread (dist/writer-thread.js): writes then run off this thread. Inline when absent. */
  writerThread?: URL | null;
}

interface QueuedWrite {
  op: WriteOp;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Where batches of writes go: a writer thread, or a writer on this thread. */
interface WriteChannel {
  /** Send once this many writes are queued, without waiting for the end of the turn. */
  readonly sendEarlyAt: number;
  send(ops: WriteOp[]): Promise<WriteOutcome[]>;
  close(): Promise<void>;
}

const RUN_STATUS_LITERAL: Record<RunStatus, string> = { running: 'running', success: 'success', failed: 'failed' };
/** How long a monitor read may be reused: other processes sharing the file are seen within this. */
const MONITOR_CACHE_MS = 1000;

/** Opens (creating if needed) the SQLite store at `file`. */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteStore {
  makeDirs(dirname(file));
  // Payloads can hold secrets: the database is the owner's alone. SQLite gives
  // its -wal and -shm files the database file's permissions.
  closeSync(openSync(file, 'a', 0o600));
  const synchronous = options.synchronous ?? 'full';
  const db = openConnection(file, synchronous);
  migrate(db); // before the writer opens its connection: it prepares statements on the current schema
  const channel = options.writerThread
    ? new ThreadChannel(options.writerThread, { file, synchronous })
    : new InlineChannel(new SqliteWriter(db));
  return new SqliteStore(db, channel);
}

export class SqliteStore implements Store {
  readonly #db: Db;
  readonly #channel: WriteChannel;
  #queue: QueuedWrite[] = [];
  #flushScheduled = false;
  #closed = false;
  readonly #stmt: ReturnType<typeof prepareStatements>;
  readonly #dash: DashboardStatements;
  /** Monitors by id or slug as last read, with when: every ping asks, monitors rarely change. */
  #monitors = new Map<string, { monitor: Monitor | null; at: number }>();

  constructor(db: Db, channel: WriteChannel) {
    this.#db = db;
    this.#channel = channel;
    this.#stmt = prepareStatements(db);
    this.#dash = prepareDashboardStatements(db);
  }

  // ---- monitors -----------------------------------------------------------

  createMonitor(input: NewMonitor, now: number): Promise<Monitor> {
    return this.#write({ type: 'createMonitor', input, now });
  }

  async getMonitor(idOrSlug: string): Promise<Monitor | null> {
    const now = Date.now();
    const cached = this.#monitors.get(idOrSlug);
    if (cached && now - cached.at < MONITOR_CACHE_MS) return cached.monitor;
    const row = this.#stmt.monitorById.get(idOrSlug, idOrSlug) as MonitorRow | undefined;
    const monitor = row ? toMonitor(row) : null;
    if (this.#monitors.size > 10_000) this.#monitors.clear(); // unknown ids must not grow it without bound
    this.#monitors.set(idOrSlug, { monitor, at: now });
    return monitor;
  }

  async listMonitors(): Promise<Monitor[]> {
    return (this.#stmt.listMonitors.all() as MonitorRow[]).map(toMonitor);
  }

  updateMonitor(id: string, patch: MonitorPatch): Promise<Monitor | null> {
    return this.#write({ type: 'updateMonitor', id, patch });
  }

  deleteMonitor(id: string): Promise<boolean> {
    return this.#write({ type: 'deleteMonitor', id });
  }

  // ---- pings and runs ------------------------------------------------------

  recordPing(ping: IncomingPing, now: number): Promise<RecordResult> {
    return this.#write({ type: 'recordPing', ping, now });
  }

  expireOverdueRuns(now: number, limit: number): Promise<Run[]> {
    return this.#write({ type: 'expireOverdueRuns', now, limit });
  }

  #loadRun(monitorId: string, runId: string): { pk: number; run: Run } | null {
    const row = this.#stmt.runByKey.get(monitorId, runId) as RunRow | undefined;
    if (!row) return null;
    const events = this.#stmt.eventsOfRun.all(row.pk) as EventRow[];
    return { pk: row.pk, run: toRun(row, events) };
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
    // Two statements instead of one per monitor and two per detailed run: every
    // monitor's newest runs as JSON, then the details of those that need them
    // for all monitors at once, in rounds: a success with events extends a
    // walk to the next success, known only once that one is read. One read
    // transaction, so every statement sees the same commit of the writer.
    return this.#db.transaction(() => {
      const byMonitor = new Map<string, RecentRun[]>();
      const walks: Array<{ rows: RecentRunRow[]; runs: RecentRun[] }> = [];
      for (const [id, json] of this.#dash.recentRuns.all(perMonitor) as Array<[string, string]>) {
        const rows = JSON.parse(json) as RecentRunRow[];
        if (rows.length === 0) continue;
        const runs = rows.map(([, status, durationMs]): RecentRun => ({ status, durationMs, detail: null }));
        byMonitor.set(id, runs);
        walks.push({ rows, runs });
      }
      const details = new Map<number, RunDetail | null>(); // null: the run is gone
      let pending = walks;
      while (pending.length > 0) {
        const wanted: number[] = [];
        const unfinished = pending.filter(({ rows, runs }) => {
          const before = wanted.length;
          let beforeCleanSuccess = true;
          rows.forEach(([pk, status], index) => {
            if (!needsDetail(index, status, beforeCleanSuccess)) return;
            const detail = details.get(pk);
            if (detail === undefined) {
              wanted.push(pk);
              // Until it is read, take this success for clean: past it only running runs need details.
              if (status === 'success') beforeCleanSuccess = false;
              return;
            }
            if (detail === null) return;
            runs[index]!.detail = beforeCleanSuccess ? detail : { ...detail, events: [] };
            if (status === 'success' && beforeCleanSuccess && detail.events.length === 0) beforeCleanSuccess = false;
          });
          return wanted.length > before;
        });
        if (wanted.length === 0) break;
        for (const pk of wanted) details.set(pk, null);
        for (const [pk, runId, firstSeenAt, startedAt, deadlineAt, events] of this.#dash.runDetails.all(JSON.stringify(wanted)) as RunDetailRow[]) {
          details.set(pk, { runId, firstSeenAt, startedAt, deadlineAt, events: JSON.parse(events) as Array<RecentEventRow & { type: EventType }> });
        }
        pending = unfinished;
      }
      return byMonitor;
    })();
  }

  async searchPings(filter: PingSearch, limit: number, cursor?: PingCursor): Promise<StoredPing[]> {
    await this.#catchUpSearch(filter);
    return (selectPingHistory(this.#db, filter, limit, cursor) as PingRow[]).map(toPing);
  }

  async *exportPings(filter: PingSearch, pageSize: number): AsyncGenerator<StoredPing[]> {
    await this.#catchUpSearch(filter);
    for (const page of iterateExportPages(this.#db, this.#dash, filter, pageSize)) {
      if (this.#closed) return;
      yield (page as PingRow[]).map(toPing);
    }
  }

  // The writer indexes pings for search in batches after they commit; a search
  // has it catch up first, so it finds every ping acknowledged before it.
  async #catchUpSearch(filter: PingSearch): Promise<void> {
    if (filter.terms !== undefined && filter.terms.length > 0) await this.#write({ type: 'indexSearch' });
  }

  // ---- settings ------------------------------------------------------------

  async getSetting(key: string): Promise<string | null> {
    const row = this.#stmt.getSetting.get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setSetting(key: string, value: string): Promise<void> {
    return this.#write({ type: 'setSetting', key, value });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#write({ type: 'drain' }).catch(() => undefined); // what is queued is committed first
    this.#closed = true;
    await this.#channel.close();
    this.#db.close();
  }

  // ---- group commit --------------------------------------------------------

  #write<T>(op: WriteOp): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    if (isMonitorWrite(op)) this.#monitors.clear();
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (this.#queue.length >= this.#channel.sendEarlyAt) return this.#flush();
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // setImmediate runs after the current I/O phase: every request parsed
        // in this turn of the loop joins the same batch.
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    const batch = this.#queue;
    if (batch.length === 0) return; // sent early, nothing queued since
    this.#queue = [];
    this.#flushScheduled = false;
    this.#channel.send(batch.map((item) => item.op)).then(
      (outcomes) => {
        // A monitor read between queueing and commit may have cached the old state.
        if (batch.some((item) => isMonitorWrite(item.op))) this.#monitors.clear();
        batch.forEach((item, i) => {
          const outcome = outcomes[i];
          if (outcome?.ok) item.resolve(outcome.value);
          else item.reject(outcome ? decodeWriteError(outcome.error) : new Error('the writer lost a write'));
        });
      },
      (error: unknown) => {
        for (const item of batch) item.reject(error);
      },
    );
  }
}

function isMonitorWrite(op: WriteOp): boolean {
  return op.type === 'createMonitor' || op.type === 'updateMonitor' || op.type === 'deleteMonitor';
}

/** Commits on this thread, synchronously. */
class InlineChannel implements WriteChannel {
  // One transaction per turn: each commit blocks this thread for its fsync.
  readonly sendEarlyAt = Infinity;
  readonly #writer: SqliteWriter;
  #indexTimer: NodeJS.Timeout | null = null;

  constructor(writer: SqliteWriter) {
    this.#writer = writer;
    this.#indexWhenDue();
  }

  async send(ops: WriteOp[]): Promise<WriteOutcome[]> {
    const outcomes = this.#writer.commit(ops);
    // After this turn: the writes' promises settle first.
    setImmediate(() => this.#indexWhenDue());
    return outcomes;
  }

  async close(): Promise<void> {
    if (this.#indexTimer) clearTimeout(this.#indexTimer);
    this.#indexTimer = null;
    this.#writer.commit([{ type: 'indexSearch' }]);
  }

  #indexWhenDue(): void {
    if (this.#indexTimer) clearTimeout(this.#indexTimer);
    const wait = this.#writer.indexSearchWhenDue(Date.now());
    this.#indexTimer = wait === null ? null : setTimeout(() => this.#indexWhenDue(), wait).unref();
  }
}

/** Commits in a worker thread (writer-thread.ts) that owns the write connection. */
class ThreadChannel implements WriteChannel {
  // A turn that parses 50 requests would otherwise hand them over only at its
  // end, and the two threads would take turns idling. Sent in parts, the writer
  // starts on the first while this thread parses the rest; what reaches the
  // writer while it commits still joins one transaction (writer-thread.ts).
  // Measured: about 15% more pings/s than one batch per turn.
  readonly sendEarlyAt = 16;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (outcomes: WriteOutcome[]) => void; reject: (error: unknown) => void }>();
  #nextId = 1;
  #failure: Error | null = null;

  constructor(url: URL, data: WriterData) {
    this.#worker = new Worker(url, { workerData: data });
    // The thread keeps the process alive only while a write waits on it.
    this.#worker.unref();
    this.#worker.on('message', (reply: WriterReply) => {
      const waiting = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      waiting?.resolve(reply.outcomes);
    });
    this.#worker.on('error', (error: Error) => this.#fail(error));
    this.#worker.on('exit', (code: number) => this.#fail(new Error(`the store's writer thread stopped (exit code ${code})`)));
  }

  send(ops: WriteOp[]): Promise<WriteOutcome[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) this.#worker.ref();
      this.#worker.postMessage({ type: 'batch', id, ops } satisfies WriterRequest);
    });
  }

  async close(): Promise<void> {
    if (this.#failure) return;
    const exited = once(this.#worker, 'exit');
    this.#worker.ref();
    this.#worker.postMessage({ type: 'close' } satisfies WriterRequest);
    await exited;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiting of this.#pending.values()) waiting.reject(error);
    this.#pending.clear();
  }
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
    monitorById: s('SELECT * FROM monitors WHERE id = ? OR slug = ? LIMIT 1'),
    listMonitors: s('SELECT * FROM monitors ORDER BY name COLLATE NOCASE, created_at'),
    runByKey: s('SELECT * FROM runs WHERE monitor_id = ? AND run_id = ?'),
    eventsOfRun: s('SELECT * FROM run_events WHERE run_pk = ? ORDER BY at, type'),
    nextDeadline: s(`SELECT MIN(deadline_at) AS deadline_at FROM runs
      WHERE status = 'running' AND deadline_at IS NOT NULL`),
    getSetting: s('SELECT value FROM settings WHERE key = ?'),
  };
}
