// The storage contract: every Store implementation must pass this suite.
// Today that is the embedded SQLite store (on a real file); a PostgreSQL store
// joins by adding a factory to `implementations`.

import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { openSqliteStore } from '../collector/store/sqlite-store.ts';
import type { Store } from '../collector/store/store.ts';
import { ConflictError, InvalidCursorError, UnknownMonitorError } from '../collector/store/store.ts';
import { builtWriterThread, cleanupTempDirs, makeTempDir } from './helpers/collector.ts';
import { incomingPing } from './helpers/pings.ts';

interface StoreFactory {
  /** Opens a store; calling `again` opens a second handle on the same database. */
  open(): { store: Store; again: () => Store };
}

const implementations: Record<string, StoreFactory> = {
  sqlite: {
    open() {
      const file = join(makeTempDir(), 'drumbeats.sqlite');
      return { store: openSqliteStore(file), again: () => openSqliteStore(file) };
    },
  },
  // What the collector runs: writes committed by the built writer thread.
  'sqlite (writer thread)': {
    open() {
      const file = join(makeTempDir(), 'drumbeats.sqlite');
      const open = () => openSqliteStore(file, { writerThread: builtWriterThread() });
      return { store: open(), again: open };
    },
  },
};

afterAll(cleanupTempDirs);

const T0 = Date.parse('2026-12-03T12:00:00Z');


describe.each(Object.entries(implementations))('%s store', (_name, factory) => {
  async function withMonitor(maxDurationMs: number | null = 60_000) {
    const { store, again } = factory.open();
    const monitor = await store.createMonitor({ name: 'Job', slug: 'job', minDurationMs: 1_000, maxDurationMs }, T0);
    return { store, again, monitor };
  }

  test('monitors: create, find by id or slug, update, conflict on slug, delete', async () => {
    const { store, monitor } = await withMonitor();
    expect(monitor.id).toMatch(/^mon_[A-Za-z0-9_-]{22}$/);
    expect((await store.getMonitor(monitor.id))?.slug).toBe('job');
    expect((await store.getMonitor('job'))?.id).toBe(monitor.id);
    await expect(store.createMonitor({ name: 'Other', slug: 'job', minDurationMs: null, maxDurationMs: null }, T0)).rejects.toBeInstanceOf(
      ConflictError,
    );
    const updated = await store.updateMonitor(monitor.id, { maxDurationMs: 5_000, name: 'Job 2' });
    expect(updated).toMatchObject({ name: 'Job 2', maxDurationMs: 5_000, minDurationMs: 1_000 });
    await store.recordPing(incomingPing(monitor, 'start', 'r1'), T0);
    expect(await store.deleteMonitor(monitor.id)).toBe(true);
    expect(await store.getMonitor(monitor.id)).toBeNull();
    expect(await store.listRuns({ limit: 10 })).toEqual([]);
    await store.close();
  });

  test('a ping replayed with the same ping_id is stored once', async () => {
    const { store, monitor } = await withMonitor();
    await store.recordPing(incomingPing(monitor, 'start', 'r1'), T0);
    const first = await store.recordPing(incomingPing(monitor, 'success', 'r1', { pingId: 'same', durationMs: 1500 }), T0 + 2000);
    const second = await store.recordPing(incomingPing(monitor, 'success', 'r1', { pingId: 'same', durationMs: 1500 }), T0 + 9000);
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.ping.seq).toBe(first.ping.seq);
    expect(await store.listPings({ monitorId: monitor.id, runId: 'r1', limit: 10 })).toHaveLength(2);
    expect((await store.getRun(monitor.id, 'r1'))?.pingCount).toBe(2);
    // The same ping_id in another run (a step name used as id) is another ping of that run.
    const other = await store.recordPing(incomingPing(monitor, 'start', 'r2', { pingId: 'same' }), T0 + 10_000);
    expect(other.duplicate).toBe(false);
    expect(other.run).toMatchObject({ runId: 'r2', status: 'running' });
    await store.close();
  });

  test("a run's first or last pings, oldest first either way", async () => {
    const { store, monitor } = await withMonitor(null);
    for (let i = 0; i < 10; i++) await store.recordPing(incomingPing(monitor, 'log', 'long', { message: `m${i}` }), T0 + i);
    await store.recordPing(incomingPing(monitor, 'log', 'other', { message: 'x' }), T0 + 20);
    const messages = async (last: boolean) => (await store.listPings({ monitorId: monitor.id, runId: 'long', limit: 3, last })).map((p) => p.message);
    expect(await messages(false)).toEqual(['m0', 'm1', 'm2']);
    expect(await messages(true)).toEqual(['m7', 'm8', 'm9']);
    await store.close();
  });

  test('pings queued in one batch all land, in order, and a failing one fails alone', async () => {
    const { store, monitor } = await withMonitor(null);
    const results = await Promise.allSettled([
      ...Array.from({ length: 200 }, (_, i) => store.recordPing(incomingPing(monitor, 'log', `r${i % 7}`, { message: `m${i}` }), T0 + i)),
      store.recordPing(incomingPing({ ...monitor, id: 'mon_missing' }, 'log', 'x'), T0),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(200);
    expect(results.at(-1)?.status).toBe('rejected');
    expect((results.at(-1) as PromiseRejectedResult).reason).toBeInstanceOf(UnknownMonitorError);
    const pings = await store.listPings({ monitorId: monitor.id, limit: 1000, afterSeq: 0 });
    expect(pings.map((p) => p.message)).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
    await store.close();
  });

  test('deadlines are stored: a reopened store expires what is overdue, once', async () => {
    const { store, again, monitor } = await withMonitor(10_000);
    await store.recordPing(incomingPing(monitor, 'start', 'stuck'), T0);
    await store.recordPing(incomingPing(monitor, 'start', 'fine'), T0);
    await store.recordPing(incomingPing(monitor, 'success', 'fine'), T0 + 5_000);
    expect(await store.nextDeadline()).toBe(T0 + 10_000);
    await store.close();

    const reopened = again();
    expect(await reopened.expireOverdueRuns(T0 + 9_999, 100)).toEqual([]);
    const closed = await reopened.expireOverdueRuns(T0 + 10_000, 100);
    expect(closed.map((r) => [r.runId, r.status, r.failureReason])).toEqual([['stuck', 'failed', 'watchdog']]);
    expect(await reopened.expireOverdueRuns(T0 + 20_000, 100)).toEqual([]);
    expect(await reopened.nextDeadline()).toBeNull();
    const run = await reopened.getRun(monitor.id, 'stuck');
    expect(run?.events.map((e) => e.type)).toEqual(['FAILED']);
    await reopened.close();
  });

  test('two collectors sharing one database never both close the same run', async () => {
    const { store: a, again, monitor } = await withMonitor(1_000);
    const b = again();
    const runIds = Array.from({ length: 300 }, (_, i) => `r${i}`);
    await Promise.all(runIds.map((id) => a.recordPing(incomingPing(monitor, 'start', id), T0)));
    // Both watchdogs sweep in small batches at once; each run must be closed by exactly one.
    const sweep = async (store: Store) => {
      const closed: string[] = [];
      for (;;) {
        const batch = await store.expireOverdueRuns(T0 + 1_000, 25);
        closed.push(...batch.map((r) => r.runId));
        if (batch.length === 0) return closed;
      }
    };
    const [byA, byB] = await Promise.all([sweep(a), sweep(b)]);
    expect([...byA, ...byB].sort()).toEqual([...runIds].sort());
    expect(new Set([...byA, ...byB]).size).toBe(runIds.length);
    const runs = await a.listRuns({ monitorId: monitor.id, limit: 1000 });
    expect(runs.every((r) => r.events.filter((e) => e.type === 'FAILED').length === 1)).toBe(true);
    await a.close();
    await b.close();
  });

  test('a terminal ping racing the watchdog at the deadline: one terminal state, no duplicate event', async () => {
    const { store: a, again, monitor } = await withMonitor(1_000);
    const b = again();
    const runIds = Array.from({ length: 50 }, (_, i) => `race${i}`);
    await Promise.all(runIds.map((id) => a.recordPing(incomingPing(monitor, 'start', id), T0)));
    await Promise.all([
      b.expireOverdueRuns(T0 + 1_000, 1000),
      ...runIds.map((id) => a.recordPing(incomingPing(monitor, 'success', id), T0 + 1_000)),
    ]);
    for (const run of await a.listRuns({ monitorId: monitor.id, limit: 100 })) {
      expect(run.status).toBe('success'); // the ping's real outcome always ends up stored
      expect(run.closedBy).toBe('ping');
      const types = run.events.map((e) => e.type);
      expect(new Set(types).size).toBe(types.length);
      expect(types.filter((t) => t === 'FAILED').length).toBeLessThanOrEqual(1);
    }
    await a.close();
    await b.close();
  });

  test('listRuns filters by monitor, status, run id and time, newest first', async () => {
    const { store, monitor } = await withMonitor();
    const other = await store.createMonitor({ name: 'Other', slug: 'other', minDurationMs: null, maxDurationMs: null }, T0);
    await store.recordPing(incomingPing(monitor, 'start', 'a'), T0 + 1);
    await store.recordPing(incomingPing(monitor, 'failure', 'b'), T0 + 2);
    await store.recordPing(incomingPing(other, 'start', 'a'), T0 + 3);
    expect((await store.listRuns({ limit: 10 })).map((r) => r.runId)).toEqual(['a', 'b', 'a']);
    expect((await store.listRuns({ monitorId: monitor.id, limit: 10 })).map((r) => r.runId)).toEqual(['b', 'a']);
    expect((await store.listRuns({ status: 'failed', limit: 10 })).map((r) => r.runId)).toEqual(['b']);
    expect((await store.listRuns({ runId: 'a', limit: 10 })).map((r) => r.monitorId)).toEqual([other.id, monitor.id]);
    expect((await store.listRuns({ before: T0 + 2, limit: 10 })).map((r) => r.runId)).toEqual(['a']);
    expect((await store.listRuns({ since: T0 + 2, limit: 10 })).map((r) => r.runId)).toEqual(['a', 'b']);
    await store.close();
  });

  test('listRunsPage pages exactly through runs that share a millisecond', async () => {
    const { store, monitor } = await withMonitor();
    // Seven runs, five of them first seen in the same millisecond.
    const times = [T0 + 1, T0 + 5, T0 + 5, T0 + 5, T0 + 5, T0 + 5, T0 + 9];
    for (const [i, at] of times.entries()) await store.recordPing(incomingPing(monitor, 'start', `r${i}`), at);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await store.listRunsPage({ monitorId: monitor.id, limit: 2, ...(cursor !== undefined && { cursor }) });
      seen.push(...result.runs.map((r) => r.runId));
      if (result.nextCursor === null) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0']);
    expect((await store.listRunsPage({ limit: 7 })).nextCursor).toBeNull();
    await expect(store.listRunsPage({ limit: 2, cursor: 'nonsense' })).rejects.toBeInstanceOf(InvalidCursorError);
    await store.close();
  });

  test('listRunEvents reads events after an id, with their run, optionally for one monitor', async () => {
    const { store, monitor } = await withMonitor();
    const other = await store.createMonitor({ name: 'Other', slug: 'other', minDurationMs: null, maxDurationMs: null }, T0);
    await store.recordPing(incomingPing(monitor, 'start', 'a'), T0);
    await store.recordPing(incomingPing(monitor, 'start', 'a'), T0 + 10); // DUPLICATE_START
    await store.recordPing(incomingPing(other, 'failure', 'b'), T0 + 20); // FAILED
    await store.recordPing(incomingPing(monitor, 'failure', 'a'), T0 + 30); // FAILED
    const newest = await store.listRunEvents({ limit: 1 });
    expect(newest.map((e) => [e.runId, e.type, e.at])).toEqual([['a', 'FAILED', T0 + 30]]);
    const all = await store.listRunEvents({ afterId: 0, limit: 10 });
    expect(all.map((e) => [e.monitorId, e.runId, e.type, e.at])).toEqual([
      [monitor.id, 'a', 'DUPLICATE_START', T0 + 10],
      [other.id, 'b', 'FAILED', T0 + 20],
      [monitor.id, 'a', 'FAILED', T0 + 30],
    ]);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((x, y) => x - y));
    const later = await store.listRunEvents({ afterId: all[0]!.id, monitorId: monitor.id, limit: 10 });
    expect(later.map((e) => e.type)).toEqual(['FAILED']);
    expect(later[0]!.detail).toBe('failure_ping');
    await store.close();
  });

  test('listRunOutcomes gives status, duration and start of the latest runs, newest first', async () => {
    const { store, monitor } = await withMonitor();
    await store.recordPing(incomingPing(monitor, 'start', 'a'), T0);
    await store.recordPing(incomingPing(monitor, 'success', 'a'), T0 + 1500);
    await store.recordPing(incomingPing(monitor, 'failure', 'b'), T0 + 2000); // no /start: no duration, starts when first seen
    await store.recordPing(incomingPing(monitor, 'start', 'c'), T0 + 3000);
    expect(await store.listRunOutcomes(monitor.id, 10)).toEqual([
      { status: 'running', durationMs: null, startedAt: T0 + 3000 },
      { status: 'failed', durationMs: null, startedAt: T0 + 2000 },
      { status: 'success', durationMs: 1500, startedAt: T0 },
    ]);
    expect(await store.listRunOutcomes(monitor.id, 1)).toHaveLength(1);
    await store.close();
  });

  test('settings round-trip', async () => {
    const { store } = await withMonitor();
    expect(await store.getSetting('k')).toBeNull();
    await store.setSetting('k', 'v1');
    await store.setSetting('k', 'v2');
    expect(await store.getSetting('k')).toBe('v2');
    await store.close();
  });
});
