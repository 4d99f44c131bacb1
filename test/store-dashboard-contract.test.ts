// The storage contract for the dashboard's store methods (issue 6): the
// analytics pre-aggregate, the overview's recent runs, ping history with
// full-text search, and the paged export. Run against every implementation.

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { MIGRATIONS } from '../collector/store/sqlite-schema.ts';
import { openSqliteStore } from '../collector/store/sqlite-store.ts';
import type { StoredPing, Store } from '../collector/store/store.ts';
import { builtWriterThread, cleanupTempDirs, makeTempDir } from './helpers/collector.ts';
import { incomingPing } from './helpers/pings.ts';

const implementations: Record<string, () => Store> = {
  sqlite: () => openSqliteStore(join(makeTempDir(), 'drumbeats.sqlite')),
  'sqlite (writer thread)': () => openSqliteStore(join(makeTempDir(), 'drumbeats.sqlite'), { writerThread: builtWriterThread() }),
};

afterAll(cleanupTempDirs);

const T0 = Date.parse('2026-03-01T12:00:00Z'); // a bucket boundary
const MIN = 60_000;


async function collect(pages: AsyncIterable<StoredPing[]>): Promise<StoredPing[][]> {
  const out: StoredPing[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe.each(Object.entries(implementations))('%s store: dashboard', (_name, open) => {
  async function setup() {
    const store = open();
    const job = await store.createMonitor({ name: 'Job', slug: 'job', minDurationMs: null, maxDurationMs: 10 * MIN }, T0);
    const other = await store.createMonitor({ name: 'Other', slug: 'other', minDurationMs: null, maxDurationMs: null }, T0);
    return { store, job, other };
  }

  test('buckets count pings by kind and outcome in 30-minute UTC buckets, with closed-run durations', async () => {
    const { store, job, other } = await setup();
    await store.recordPing(incomingPing(job, 'start', 'r1'), T0 + 1 * MIN);
    await store.recordPing(incomingPing(job, 'log', 'r1', { message: 'step' }), T0 + 2 * MIN);
    await store.recordPing(incomingPing(job, 'success', 'r1'), T0 + 4 * MIN); // 3 min
    await store.recordPing(incomingPing(job, 'success', 'r1'), T0 + 5 * MIN); // second terminal: counted, no duration
    await store.recordPing(incomingPing(job, 'start', 'r2'), T0 + 29 * MIN);
    await store.recordPing(incomingPing(job, 'success', 'r2', { exitCode: 3 }), T0 + 31 * MIN); // exit 3: failure, next bucket
    await store.recordPing(incomingPing(job, 'failure', 'r3', { durationMs: 500 }), T0 + 32 * MIN);
    await store.recordPing(incomingPing(other, 'success', 'x'), T0 + 3 * MIN);
    await store.recordPing(incomingPing(job, 'start', 'r4'), T0 + 40 * MIN);
    expect(await store.expireOverdueRuns(T0 + 61 * MIN, 10)).toHaveLength(1);

    const buckets = await store.listPingBuckets(job.id, T0, T0 + 120 * MIN);
    expect(buckets).toEqual([
      { bucketStart: T0, starts: 2, logs: 1, successes: 2, failures: 0, autoFailed: 0, durationSumMs: 3 * MIN, durationCount: 1 },
      { bucketStart: T0 + 30 * MIN, starts: 1, logs: 0, successes: 0, failures: 2, autoFailed: 0, durationSumMs: 2 * MIN + 500, durationCount: 2 },
      { bucketStart: T0 + 60 * MIN, starts: 0, logs: 0, successes: 0, failures: 0, autoFailed: 1, durationSumMs: 0, durationCount: 0 },
    ]);
    expect(await store.listPingBuckets(job.id, T0 + 30 * MIN, T0 + 60 * MIN)).toHaveLength(1);
    expect(await store.listPingBuckets(other.id, T0, T0 + 120 * MIN)).toMatchObject([{ bucketStart: T0, successes: 1 }]);
    await store.close();
  });

  test('a late terminal ping after the watchdog: the run counts by its real outcome, no longer as auto-failed', async () => {
    const { store, job } = await setup();
    await store.recordPing(incomingPing(job, 'start', 'r1'), T0);
    await store.expireOverdueRuns(T0 + 10 * MIN, 10);
    expect(await store.listPingBuckets(job.id, T0, T0 + 30 * MIN)).toMatchObject([{ successes: 0, autoFailed: 1 }]);
    await store.recordPing(incomingPing(job, 'success', 'r1'), T0 + 40 * MIN); // lands in the next bucket
    expect(await store.listPingBuckets(job.id, T0, T0 + 60 * MIN)).toMatchObject([
      { bucketStart: T0, successes: 0, autoFailed: 0 },
      { bucketStart: T0 + 30 * MIN, successes: 1, autoFailed: 0, durationSumMs: 40 * MIN, durationCount: 1 },
    ]);
    await store.close();
  });

  test('recent runs by monitor: newest first, capped per monitor, with details and events where the overview looks', async () => {
    const { store, job, other } = await setup();
    for (let i = 0; i < 5; i++) await store.recordPing(incomingPing(job, 'failure', `r${i}`, { durationMs: 100 + i }), T0 + i * MIN);
    await store.recordPing(incomingPing(other, 'start', 'o1'), T0);
    const recent = await store.listRecentRunsByMonitor(3);
    expect(recent.get(job.id)?.map((r) => [r.status, r.durationMs, r.detail?.runId])).toEqual([
      ['failed', 104, 'r4'],
      ['failed', 103, 'r3'],
      ['failed', 102, 'r2'],
    ]);
    expect(recent.get(job.id)?.[0]?.detail).toEqual({
      runId: 'r4',
      firstSeenAt: T0 + 4 * MIN,
      startedAt: null,
      deadlineAt: null,
      events: [{ type: 'FAILED', at: T0 + 4 * MIN, detail: 'failure_ping' }],
    });
    expect(recent.get(other.id)).toEqual([
      { status: 'running', durationMs: null, detail: { runId: 'o1', firstSeenAt: T0, startedAt: T0, deadlineAt: null, events: [] } },
    ]);
    await store.close();
  });

  test('recent runs: details down to the newest clean success, and for every running run', async () => {
    const { store, job } = await setup();
    await store.recordPing(incomingPing(job, 'start', 'stuck'), T0);
    await store.recordPing(incomingPing(job, 'failure', 'old-failure'), T0 + MIN);
    await store.recordPing(incomingPing(job, 'success', 'clean'), T0 + 2 * MIN);
    await store.recordPing(incomingPing(job, 'failure', 'new-failure'), T0 + 3 * MIN);
    const runs = (await store.listRecentRunsByMonitor(10)).get(job.id)!;
    expect(runs.map((r) => [r.status, r.detail?.runId ?? null, r.detail?.events.map((e) => e.type) ?? null])).toEqual([
      ['failed', 'new-failure', ['FAILED']],
      ['success', 'clean', []],
      ['failed', null, null],
      ['running', 'stuck', []],
    ]);
    expect(runs[3]?.detail?.deadlineAt).toBe(T0 + 10 * MIN);
    await store.close();
  });

  test('history: newest first, full-text over payloads and messages, kind and time filters, cursor paging', async () => {
    const { store, job, other } = await setup();
    await store.recordPing(incomingPing(job, 'start', 'r1', { payload: '{"event":"invoice.paid","id":"evt_1"}' }), T0);
    await store.recordPing(incomingPing(job, 'log', 'r1', { message: 'Rendered PDF for café' }), T0 + MIN);
    await store.recordPing(incomingPing(job, 'failure', 'r1', { payload: 'Timeout talking to S3 <img src=x onerror=alert(1)>' }), T0 + 2 * MIN);
    await store.recordPing(incomingPing(other, 'failure', 'x', { payload: 'timeout elsewhere' }), T0 + 3 * MIN);

    const ids = (pings: StoredPing[]) => pings.map((p) => `${p.runId}:${p.kind}`);
    expect(ids(await store.searchPings({ monitorId: job.id }, 10))).toEqual(['r1:failure', 'r1:log', 'r1:start']);
    expect(ids(await store.searchPings({ terms: ['timeout'] }, 10))).toEqual(['x:failure', 'r1:failure']);
    expect(ids(await store.searchPings({ monitorId: job.id, terms: ['TIMEOUT'] }, 10))).toEqual(['r1:failure']);
    expect(ids(await store.searchPings({ monitorId: job.id, terms: ['invo'] }, 10))).toEqual(['r1:start']);
    expect(ids(await store.searchPings({ monitorId: job.id, terms: ['cafe'] }, 10))).toEqual(['r1:log']);
    expect(ids(await store.searchPings({ monitorId: job.id, terms: ['onerror'] }, 10))).toEqual(['r1:failure']);
    expect(ids(await store.searchPings({ monitorId: job.id, terms: ['pdf', 'missing'] }, 10))).toEqual([]);
    expect(ids(await store.searchPings({ monitorId: job.id, kind: 'log' }, 10))).toEqual(['r1:log']);
    expect(ids(await store.searchPings({ monitorId: job.id, since: T0 + MIN, until: T0 + 2 * MIN }, 10))).toEqual(['r1:log']);

    const first = await store.searchPings({ monitorId: job.id }, 2);
    const last = first.at(-1)!;
    const second = await store.searchPings({ monitorId: job.id }, 2, { receivedAt: last.receivedAt, seq: last.seq });
    expect(ids(second)).toEqual(['r1:start']);
    const across = await store.searchPings({}, 3);
    expect(ids(await store.searchPings({}, 3, { receivedAt: across.at(-1)!.receivedAt, seq: across.at(-1)!.seq }))).toEqual(['r1:start']);
    await store.close();
  });

  test('export: arrival order in bounded pages, a snapshot of what was stored when it began', async () => {
    const { store, job, other } = await setup();
    for (let i = 0; i < 7; i++) {
      await store.recordPing(incomingPing(i % 2 ? other : job, 'log', `r${i}`, { message: i % 3 === 0 ? `needle ${i}` : `hay ${i}` }), T0 + i * MIN);
    }
    const pages = await collect(store.exportPings({}, 3));
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((p) => p.runId)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect((await collect(store.exportPings({ monitorId: job.id }, 2))).flat().map((p) => p.runId)).toEqual(['r0', 'r2', 'r4', 'r6']);
    expect((await collect(store.exportPings({ terms: ['needle'] }, 1))).flat().map((p) => p.runId)).toEqual(['r0', 'r3', 'r6']);
    expect((await collect(store.exportPings({ monitorId: job.id, terms: ['needle'], since: T0 + MIN }, 5))).flat().map((p) => p.runId)).toEqual(['r6']);

    const iterator = store.exportPings({}, 4)[Symbol.asyncIterator]();
    const firstPage = await iterator.next();
    await store.recordPing(incomingPing(job, 'log', 'late'), T0 + 9 * MIN);
    const rest: StoredPing[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(...next.value);
    expect([...(firstPage.value as StoredPing[]), ...rest].map((p) => p.runId)).not.toContain('late');
    await store.close();
  });

  test('deleting a monitor removes its buckets and its pings from the search index', async () => {
    const { store, job, other } = await setup();
    await store.recordPing(incomingPing(job, 'log', 'r1', { message: 'unique-word' }), T0);
    await store.recordPing(incomingPing(other, 'log', 'o1', { message: 'unique-word too' }), T0);
    await store.deleteMonitor(job.id);
    expect(await store.listPingBuckets(job.id, T0, T0 + 30 * MIN)).toEqual([]);
    expect((await store.searchPings({ terms: ['unique'] }, 10)).map((p) => p.runId)).toEqual(['o1']);
    await store.close();
  });
});

test('sqlite migration 2 backfills buckets and the search index from existing pings', async () => {
  const file = join(makeTempDir(), 'drumbeats.sqlite');
  const db = new Database(file);
  db.exec(MIGRATIONS[0]!);
  db.pragma('user_version = 1');
  db.prepare(`INSERT INTO monitors VALUES ('mon_1', 'Job', 'job', NULL, NULL, ?)`).run(T0);
  db.prepare(`INSERT INTO runs (pk, monitor_id, run_id, status, first_seen_at, started_at, ended_at, duration_ms, start_count,
      ping_count, closed_by, version) VALUES (1, 'mon_1', 'r1', 'success', ?, ?, ?, 120000, 1, 2, 'ping', 2)`).run(T0, T0, T0 + 2 * MIN);
  db.prepare(`INSERT INTO runs (pk, monitor_id, run_id, status, first_seen_at, ended_at, start_count, ping_count, closed_by,
      failure_reason, version) VALUES (2, 'mon_1', 'r2', 'failed', ?, ?, 1, 1, 'watchdog', 'watchdog', 2)`).run(T0, T0 + 40 * MIN);
  const ping = db.prepare(`INSERT INTO pings (ping_id, monitor_id, run_pk, run_id, kind, received_at, message, exit_code, payload,
      payload_size, truncated, late) VALUES (?, 'mon_1', ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)`);
  ping.run('a', 1, 'r1', 'start', T0, null, null, null);
  ping.run('b', 1, 'r1', 'success', T0 + 2 * MIN, null, null, 'all rows exported');
  ping.run('c', 2, 'r2', 'start', T0, 'warming caches', null, null);
  db.close();

  const store = openSqliteStore(file);
  expect(await store.listPingBuckets('mon_1', T0, T0 + 60 * MIN)).toEqual([
    { bucketStart: T0, starts: 2, logs: 0, successes: 1, failures: 0, autoFailed: 0, durationSumMs: 2 * MIN, durationCount: 1 },
    { bucketStart: T0 + 30 * MIN, starts: 0, logs: 0, successes: 0, failures: 0, autoFailed: 1, durationSumMs: 0, durationCount: 0 },
  ]);
  expect((await store.searchPings({ terms: ['exported'] }, 5)).map((p) => p.pingId)).toEqual(['b']);
  expect((await store.searchPings({ terms: ['caches'] }, 5)).map((p) => p.pingId)).toEqual(['c']);
  await store.close();
});
