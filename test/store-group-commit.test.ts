// The SQLite store's group commit: writes queued in one turn of the event loop
// share a transaction (a failing write makes the batch replay with a savepoint
// per write, so it fails alone); the monitor of a ping is read
// once per batch and analytics bucket deltas are summed per batch. These tests
// queue everything in one tick so it all lands in a single batch.

import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { openSqliteStore } from '../collector/store/sqlite-store.ts';
import { ConflictError } from '../collector/store/store.ts';
import { builtWriterThread, cleanupTempDirs, makeTempDir } from './helpers/collector.ts';
import { incomingPing } from './helpers/pings.ts';

afterAll(cleanupTempDirs);

const T0 = Date.parse('2026-03-01T12:00:00Z'); // a bucket boundary
const MIN = 60_000;


// Inline, and in the built writer thread the collector uses: batches then form
// on both sides of the thread boundary, and must behave the same.
describe.each([
  ['inline', false],
  ['writer thread', true],
] as const)('%s', (_mode, threaded) => {
  function openStore() {
    return openSqliteStore(join(makeTempDir(), 'drumbeats.sqlite'), threaded ? { writerThread: builtWriterThread() } : {});
  }

  test('one batch: bucket counts are summed per monitor and bucket; a failing write adds nothing and fails alone', async () => {
    const store = openStore();
    const a = await store.createMonitor({ name: 'A', slug: 'a', minDurationMs: null, maxDurationMs: null }, T0);
    const b = await store.createMonitor({ name: 'B', slug: 'b', minDurationMs: null, maxDurationMs: null }, T0);
    const results = await Promise.allSettled([
      store.recordPing(incomingPing(a, 'start', 'r1'), T0),
      store.recordPing(incomingPing(a, 'log', 'r1'), T0 + 1),
      store.createMonitor({ name: 'A again', slug: 'a', minDurationMs: null, maxDurationMs: null }, T0),
      store.recordPing(incomingPing(a, 'success', 'r1'), T0 + 31 * MIN), // the next bucket
      store.recordPing(incomingPing(b, 'start', 'r1'), T0 + 2),
      store.recordPing(incomingPing({ ...a, id: 'mon_missing' }, 'start', 'r2'), T0 + 3),
      store.recordPing(incomingPing(b, 'failure', 'r1'), T0 + 4),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);

    const bucketsOfA = await store.listPingBuckets(a.id, T0, T0 + 60 * MIN);
    expect(bucketsOfA.map((x) => [x.bucketStart, x.starts, x.logs, x.successes, x.failures])).toEqual([
      [T0, 1, 1, 0, 0],
      [T0 + 30 * MIN, 0, 0, 1, 0],
    ]);
    const bucketsOfB = await store.listPingBuckets(b.id, T0, T0 + 60 * MIN);
    expect(bucketsOfB.map((x) => [x.bucketStart, x.starts, x.logs, x.successes, x.failures])).toEqual([[T0, 1, 0, 0, 1]]);
    expect((await store.listMonitors()).map((m) => m.slug)).toEqual(['a', 'b']);
    // The replayed batch wrote each run once: a later ping finds it as it is, not as the abandoned try left it.
    expect(await store.getRun(a.id, 'r1')).toMatchObject({ status: 'success', pingCount: 3, version: 3 });
    await store.recordPing(incomingPing(b, 'log', 'r1'), T0 + 5);
    expect(await store.getRun(b.id, 'r1')).toMatchObject({ status: 'failed', pingCount: 3, version: 3 });
    await store.close();
  });

  test('one batch: a monitor changed by an earlier write is seen by the pings after it, not before it', async () => {
    const store = openStore();
    const job = await store.createMonitor({ name: 'Job', slug: 'job', minDurationMs: null, maxDurationMs: null }, T0);
    const [before, , after] = await Promise.all([
      store.recordPing(incomingPing(job, 'start', 'before'), T0),
      store.updateMonitor(job.id, { maxDurationMs: 5_000 }),
      store.recordPing(incomingPing(job, 'start', 'after'), T0),
    ]);
    expect(before.run.deadlineAt).toBeNull();
    expect(after.run.deadlineAt).toBe(T0 + 5_000);
    await store.close();
  });

  test('one batch: pings queued after their monitor was deleted are refused, none is stored', async () => {
    const store = openStore();
    const job = await store.createMonitor({ name: 'Job', slug: 'job', minDurationMs: null, maxDurationMs: null }, T0);
    const results = await Promise.allSettled([
      store.recordPing(incomingPing(job, 'start', 'r1'), T0),
      store.deleteMonitor(job.id),
      store.recordPing(incomingPing(job, 'start', 'r2'), T0),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(await store.listPings({ limit: 10 })).toEqual([]);
    expect(await store.listPingBuckets(job.id, T0, T0 + 30 * MIN)).toEqual([]);
    await store.close();
  });

  test('many writes in one tick (more than are sent at once) apply in the order they were made', async () => {
    const store = openStore();
    const job = await store.createMonitor({ name: 'Job', slug: 'job', minDurationMs: null, maxDurationMs: null }, T0);
    const writes = [
      store.recordPing(incomingPing(job, 'start', 'r1'), T0),
      ...Array.from({ length: 98 }, (_, i) => store.recordPing(incomingPing(job, 'log', 'r1', { message: `step ${i}` }), T0 + 1 + i)),
      store.recordPing(incomingPing(job, 'success', 'r1'), T0 + 100),
    ];
    const results = await Promise.all(writes);
    expect(results.map((r) => r.run.pingCount)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(results.at(-1)!.run.status).toBe('success');
    const pings = await store.listPings({ runId: 'r1', limit: 200 });
    expect(pings.map((p) => p.message ?? p.kind)).toEqual(['start', ...Array.from({ length: 98 }, (_, i) => `step ${i}`), 'success']);
    await store.close();
  });

  test('a run changed by another process since this writer last wrote it: the stale memory is dropped, nothing is lost', async () => {
    const file = join(makeTempDir(), 'drumbeats.sqlite');
    const open = () => openSqliteStore(file, threaded ? { writerThread: builtWriterThread() } : {});
    const [ours, theirs] = [open(), open()];
    const job = await ours.createMonitor({ name: 'Job', slug: 'job', minDurationMs: null, maxDurationMs: null }, T0);
    await ours.recordPing(incomingPing(job, 'start', 'r1'), T0);
    await theirs.recordPing(incomingPing(job, 'log', 'r1', { message: 'elsewhere' }), T0 + 1);
    const done = await ours.recordPing(incomingPing(job, 'success', 'r1'), T0 + 2);
    expect([done.run.status, done.run.pingCount, done.run.lastMessage]).toEqual(['success', 3, 'elsewhere']);
    expect((await theirs.getRun(job.id, 'r1'))?.version).toBe(3);
    await Promise.all([ours.close(), theirs.close()]);
  });

  test('watchdog closings in one sweep are counted once each in their bucket', async () => {
    const store = openStore();
    const job = await store.createMonitor({ name: 'Job', slug: 'job', minDurationMs: null, maxDurationMs: 1_000 }, T0);
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.recordPing(incomingPing(job, 'start', `r${i}`), T0)));
    const closed = await store.expireOverdueRuns(T0 + 1_000, 100);
    expect(closed).toHaveLength(25);
    const [bucket] = await store.listPingBuckets(job.id, T0, T0 + 30 * MIN);
    expect([bucket?.starts, bucket?.autoFailed]).toEqual([25, 25]);
    await store.close();
  });
});
