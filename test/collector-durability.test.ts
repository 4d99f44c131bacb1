// What must survive time and process death: the watchdog's deadlines across
// restarts, and every acknowledged ping across kill -9.

import { afterAll, describe, expect, test } from 'vitest';
import type { MonitorJson, RunDetailJson, RunListJson } from '../shared/protocol.ts';
import { cleanupTempDirs, makeTempDir, startTestCollector, type TestCollector } from './helpers/collector.ts';

afterAll(cleanupTempDirs);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(50);
  }
}

const getRun = (c: TestCollector, m: MonitorJson, runId: string) =>
  c.api<RunDetailJson>('GET', `/v1/runs/${runId}?monitor=${m.id}`);

describe('basic-watchdog', () => {
  test('closes a stuck run as failed/watchdog within 1 s of its deadline; a late success corrects it', async () => {
    const c = await startTestCollector();
    try {
      const m = await c.createMonitor({ name: 'Stuck', max_duration_seconds: 1 });
      await fetch(`${c.pingBase(m)}/start?run_id=stuck`);
      const closed = await waitFor(async () => {
        const run = await getRun(c, m, 'stuck');
        return run.status === 'running' ? undefined : run;
      }, 5_000);
      expect(closed).toMatchObject({ status: 'failed', failure_reason: 'watchdog' });
      const deadline = Date.parse(closed.started_at!) + 1_000;
      const lag = Date.parse(closed.ended_at!) - deadline;
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(1_000);
      expect(closed.events.map((e) => e.type)).toEqual(['FAILED']);

      // The job did finish after all: its real outcome wins, FAILED stays in history.
      await fetch(`${c.pingBase(m)}/success?run_id=stuck`);
      const corrected = await getRun(c, m, 'stuck');
      expect(corrected).toMatchObject({ status: 'success', failure_reason: null });
      expect(corrected.events.map((e) => e.type)).toEqual(['FAILED', 'DURATION_HIGH']);
      // A second terminal ping is stored and changes nothing.
      await fetch(`${c.pingBase(m)}/failure?run_id=stuck`);
      const after = await getRun(c, m, 'stuck');
      expect(after.status).toBe('success');
      expect(after.pings.map((p) => p.kind)).toEqual(['start', 'success', 'failure']);
    } finally {
      await c.stop();
    }
  });

  test('overlapping runs: R1 stuck is auto-failed, R2 succeeds', async () => {
    const c = await startTestCollector();
    try {
      const m = await c.createMonitor({ name: 'Overlap', max_duration_seconds: 0.5 });
      await fetch(`${c.pingBase(m)}/start?run_id=R1`);
      await fetch(`${c.pingBase(m)}/start?run_id=R2`);
      await fetch(`${c.pingBase(m)}/success?run_id=R2`);
      await waitFor(async () => ((await getRun(c, m, 'R1')).status === 'running' ? undefined : true), 5_000);
      expect(await getRun(c, m, 'R1')).toMatchObject({ status: 'failed', failure_reason: 'watchdog' });
      expect(await getRun(c, m, 'R2')).toMatchObject({ status: 'success', events: [] });
    } finally {
      await c.stop();
    }
  });

  test('a run that expires while the collector is down is closed once, right after restart', async () => {
    const dataDir = makeTempDir();
    const first = await startTestCollector({ dataDir });
    const m = await first.createMonitor({ name: 'Restart', max_duration_seconds: 1 });
    await fetch(`${first.pingBase(m)}/start?run_id=orphan`);
    await first.kill9();
    await sleep(1_300); // the deadline passes while nothing runs

    const second = await startTestCollector({ dataDir });
    try {
      // Closed during start-up, before the collector even listens.
      const run = await getRun(second, m, 'orphan');
      expect(run).toMatchObject({ status: 'failed', failure_reason: 'watchdog' });
      expect(run.events.map((e) => e.type)).toEqual(['FAILED']);
      const closedAt = run.ended_at;
      await second.stop();

      const third = await startTestCollector({ dataDir });
      try {
        const again = await getRun(third, m, 'orphan');
        expect(again.ended_at).toBe(closedAt); // never twice
        expect(again.events.map((e) => e.type)).toEqual(['FAILED']);
      } finally {
        await third.stop();
      }
    } finally {
      await second.stop();
    }
  });
});

describe('acknowledged means durable', () => {
  test('kill -9 right after N acknowledged pings: all N are stored', async () => {
    const dataDir = makeTempDir();
    const c = await startTestCollector({ dataDir });
    const m = await c.createMonitor({ name: 'Durable' });
    const N = 300;
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        fetch(`${c.pingBase(m)}/log?run_id=run-${i % 10}&message=m${i}`, { method: 'POST', body: `payload ${i}` }),
      ),
    );
    const acknowledged = answers.filter((a) => a.status === 200).length;
    expect(acknowledged).toBe(N);
    await c.kill9();

    const back = await startTestCollector({ dataDir });
    try {
      const { pings } = await back.api<{ pings: unknown[] }>('GET', `/v1/pings?monitor=${m.id}&limit=1000`);
      expect(pings).toHaveLength(N);
      const { runs } = await back.api<RunListJson>('GET', `/v1/runs?monitor=${m.id}&limit=100`);
      expect(runs.reduce((sum, r) => sum + (r as { ping_count: number }).ping_count, 0)).toBe(N);
    } finally {
      await back.stop();
    }
  });
});
