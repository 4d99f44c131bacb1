import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { analyticsJson, bucketJson } from './dashboard-json.ts';
import { summarizeMonitor } from './core/monitor-overview.ts';
import { emptyCounts } from './core/ping-buckets.ts';
import { summariseRuns } from './core/run-stats.ts';
import { openSqliteStore } from './store/sqlite-store.ts';
import type { IncomingPing } from './store/store.ts';

const T0 = Date.parse('2026-12-03T04:00:00Z');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test.each([
  // successes, failures, auto-failed, bucket success_rate
  [1, 0, 2, 1 / 3],
  [0, 0, 1, 0],
  [3, 1, 0, 0.75],
  [0, 0, 0, null],
])('a bucket of %i ok, %i failed, %i auto-failed has success_rate %s', (successes, failures, autoFailed, rate) => {
  expect(bucketJson({ ...emptyCounts(), bucketStart: T0, successes, failures, autoFailed }).success_rate).toBe(rate);
});

test('auto-failed runs are failures in the analytics totals, the same rate as stats and overview', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drumbeats-rate-'));
  dirs.push(dir);
  const store = openSqliteStore(join(dir, 'db.sqlite'));
  try {
    const monitor = await store.createMonitor({ name: 'Hangs', slug: 'hangs', minDurationMs: null, maxDurationMs: 60_000 }, T0);
    let n = 0;
    const ping = (kind: IncomingPing['kind'], runId: string, at: number) =>
      store.recordPing(
        {
          kind, monitorId: monitor.id, runId, pingId: `p${++n}`, message: null, exitCode: null, durationMs: null, sentAt: null,
          late: false, reason: null, signal: null, payload: null, payloadSize: 0, truncated: false, contentType: null,
        },
        at,
      );
    await ping('start', 'ok', T0);
    await ping('success', 'ok', T0 + 1_000);
    await ping('start', 'hang-1', T0 + 2_000);
    await ping('start', 'hang-2', T0 + 3_000);
    expect(await store.expireOverdueRuns(T0 + 120_000, 10)).toHaveLength(2);

    const a = analyticsJson(monitor.id, '24h', T0, T0 + 86_400_000, await store.listPingBuckets(monitor.id, T0, T0 + 86_400_000));
    expect(a.totals).toMatchObject({ success: 1, failure: 0, auto_failed: 2, success_rate: 1 / 3 });
    const stats = summariseRuns(await store.listRunOutcomes(monitor.id, 100), monitor);
    expect(stats.successRate).toBe(1 / 3);
    const overview = summarizeMonitor((await store.listRecentRunsByMonitor(100)).get(monitor.id) ?? [], T0 + 120_000);
    expect(overview.successRate).toBe(1 / 3);
  } finally {
    await store.close();
  }
});
