// The SQLite side of the dashboard (issue 6): the per-bucket pre-aggregate
// kept by each ping, the overview's recent runs, ping history with FTS5, and
// the paged export. Kept apart from sqlite-store.ts so the store's core stays
// readable; the store owns the connection and calls these inside its own
// transactions.

import type { Database as Db, Statement } from 'better-sqlite3';
import { ftsMatchExpression } from '../core/search-query.ts';
import type { BucketCounts, PingBucket } from '../core/ping-buckets.ts';
import type { PingCursor, PingSearch } from './store.ts';

interface BucketRow {
  bucket_start: number;
  starts: number;
  logs: number;
  successes: number;
  failures: number;
  auto_failed: number;
  duration_sum_ms: number;
  duration_count: number;
}

/** A run as the overview's bulk read returns it (one element of a monitor's JSON array). */
export type RecentRunRow = [pk: number, status: 'running' | 'success' | 'failed', durationMs: number | null];

/** The details of one run the overview looks closer at (a raw row); its events as a JSON array of RecentEventRow. */
export type RunDetailRow = [pk: number, runId: string, firstSeenAt: number, startedAt: number | null, deadlineAt: number | null, events: string];

export interface RecentEventRow {
  type: string;
  at: number;
  detail: string | null;
}

/** Statements prepared once per connection. */
export function prepareDashboardStatements(db: Db) {
  const s = (sql: string): Statement => db.prepare(sql);
  return {
    // One upsert per ping on the hot path; additive, so concurrent writers commute.
    addToBucket: s(`INSERT INTO ping_buckets (monitor_id, bucket_start, starts, logs, successes, failures, auto_failed,
        duration_sum_ms, duration_count)
      VALUES (@monitor_id, @bucket_start, @starts, @logs, @successes, @failures, @auto_failed, @duration_sum_ms, @duration_count)
      ON CONFLICT (monitor_id, bucket_start) DO UPDATE SET starts = starts + excluded.starts, logs = logs + excluded.logs,
        successes = successes + excluded.successes, failures = failures + excluded.failures,
        auto_failed = auto_failed + excluded.auto_failed, duration_sum_ms = duration_sum_ms + excluded.duration_sum_ms,
        duration_count = duration_count + excluded.duration_count`),
    buckets: s(`SELECT bucket_start, starts, logs, successes, failures, auto_failed, duration_sum_ms, duration_count
      FROM ping_buckets WHERE monitor_id = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start`),
    // 500 monitors x 100 runs: handing SQLite's rows to JS one by one costs
    // more than reading them, so each monitor's newest runs come as one JSON
    // array of [pk, status, duration_ms], newest first: one statement, one walk
    // down runs_by_monitor_time per monitor (a window function over all runs
    // would read every run ever kept). The aggregate's own ORDER BY is what
    // fixes the order of the array; the subquery's only picks the rows.
    recentRuns: s(`SELECT m.id, (SELECT json_group_array(json_array(pk, status, duration_ms) ORDER BY first_seen_at DESC, pk DESC)
        FROM (SELECT pk, status, duration_ms, first_seen_at FROM runs WHERE monitor_id = m.id
          ORDER BY first_seen_at DESC, pk DESC LIMIT ?))
      FROM monitors m`).raw(true),
    // The details of a JSON array of run pks, in one statement rather than two per run.
    runDetails: s(`SELECT r.pk, r.run_id, r.first_seen_at, r.started_at, r.deadline_at,
        (SELECT json_group_array(json_object('type', e.type, 'at', e.at, 'detail', e.detail) ORDER BY e.at, e.type)
          FROM run_events e WHERE e.run_pk = r.pk)
      FROM runs r WHERE r.pk IN (SELECT value FROM json_each(?))`).raw(true),
    maxSeq: s('SELECT COALESCE(MAX(seq), 0) AS seq FROM pings'),
  };
}

export type DashboardStatements = ReturnType<typeof prepareDashboardStatements>;

/** Adds `delta` to the bucket of `monitorId` starting at `bucketStart`. */
export function addToBucket(stmt: DashboardStatements, monitorId: string, bucketStart: number, delta: BucketCounts): void {
  stmt.addToBucket.run({
    monitor_id: monitorId,
    bucket_start: bucketStart,
    starts: delta.starts,
    logs: delta.logs,
    successes: delta.successes,
    failures: delta.failures,
    auto_failed: delta.autoFailed,
    duration_sum_ms: delta.durationSumMs,
    duration_count: delta.durationCount,
  });
}

/** The stored buckets of a monitor in [from, to). */
export function selectBuckets(stmt: DashboardStatements, monitorId: string, from: number, to: number): PingBucket[] {
  return (stmt.buckets.all(monitorId, from, to) as BucketRow[]).map((row) => ({
    bucketStart: row.bucket_start,
    starts: row.starts,
    logs: row.logs,
    successes: row.successes,
    failures: row.failures,
    autoFailed: row.auto_failed,
    durationSumMs: row.duration_sum_ms,
    durationCount: row.duration_count,
  }));
}

function filterClauses(filter: PingSearch, alias: string): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.monitorId !== undefined) (where.push(`${alias}.monitor_id = @monitor_id`), (params.monitor_id = filter.monitorId));
  if (filter.kind !== undefined) (where.push(`${alias}.kind = @kind`), (params.kind = filter.kind));
  if (filter.since !== undefined) (where.push(`${alias}.received_at >= @since`), (params.since = filter.since));
  if (filter.until !== undefined) (where.push(`${alias}.received_at < @until`), (params.until = filter.until));
  return { where, params };
}

/**
 * One page of ping history, newest first. With a monitor the order is
 * (received_at, seq), which pings_by_monitor_time serves without sorting (the
 * index carries seq as its rowid); across monitors it is seq, the rowid.
 */
export function selectPingHistory(db: Db, filter: PingSearch, limit: number, cursor: PingCursor | undefined): unknown[] {
  const { where, params } = filterClauses(filter, 'p');
  params.limit = limit;
  if (filter.terms !== undefined) {
    where.push('p.seq IN (SELECT rowid FROM ping_search WHERE ping_search MATCH @match)');
    params.match = ftsMatchExpression(filter.terms);
  }
  const byMonitor = filter.monitorId !== undefined;
  if (cursor) {
    where.push(byMonitor ? '(p.received_at, p.seq) < (@cursor_at, @cursor_seq)' : 'p.seq < @cursor_seq');
    params.cursor_seq = cursor.seq;
    if (byMonitor) params.cursor_at = cursor.receivedAt;
  }
  const order = byMonitor ? 'p.received_at DESC, p.seq DESC' : 'p.seq DESC';
  const sql = `SELECT p.* FROM pings p ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT @limit`;
  return db.prepare(sql).all(params);
}

/**
 * Pages of the pings stored when the export began (seq <= its max then):
 * one monitor's in receive-time order, otherwise in arrival order. A search
 * walks the FTS index in rowid order. Each page continues from where the last
 * one ended through an index, so a page costs its own rows, never a re-run of
 * the whole match; and each is read to the end before it is handed out: an
 * open cursor would block the store's writes.
 */
export function* iterateExportPages(
  db: Db,
  stmt: DashboardStatements,
  filter: PingSearch,
  pageSize: number,
): Generator<unknown[], void, void> {
  const upTo = (stmt.maxSeq.get() as { seq: number }).seq;
  const { where, params } = filterClauses(filter, 'p');
  params.limit = pageSize;
  params.up_to = upTo;
  let sql: string;
  if (filter.terms !== undefined) {
    params.match = ftsMatchExpression(filter.terms);
    sql = `SELECT p.* FROM ping_search s JOIN pings p ON p.seq = s.rowid
      WHERE ping_search MATCH @match AND s.rowid > @after AND s.rowid <= @up_to
      ${where.map((w) => `AND ${w}`).join(' ')} ORDER BY s.rowid LIMIT @limit`;
  } else if (filter.monitorId !== undefined) {
    // One monitor: walk pings_by_monitor_time from where the last page ended, in
    // receive-time order like the history (seq breaks ties and is the index's rowid).
    sql = `SELECT p.* FROM pings p WHERE (p.received_at, p.seq) > (@after_at, @after) AND p.seq <= @up_to
      ${where.map((w) => `AND ${w}`).join(' ')} ORDER BY p.received_at, p.seq LIMIT @limit`;
  } else {
    sql = `SELECT p.* FROM pings p WHERE p.seq > @after AND p.seq <= @up_to
      ${where.map((w) => `AND ${w}`).join(' ')} ORDER BY p.seq LIMIT @limit`;
  }
  const statement = db.prepare(sql);
  let after = 0;
  let afterAt = -1;
  for (;;) {
    const page: Array<{ seq: number; received_at: number }> = [];
    const rows = statement.iterate({ ...params, after, after_at: afterAt }) as IterableIterator<{ seq: number; received_at: number }>;
    for (const row of rows) page.push(row);
    if (page.length === 0) return;
    after = page.at(-1)!.seq;
    afterAt = page.at(-1)!.received_at;
    yield page;
    if (page.length < pageSize) return;
  }
}
