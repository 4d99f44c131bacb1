// `drumbeats flush`: delivers the spool run by run, in order, marked late,
// removes what was delivered or refused for good, keeps the rest.

import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runKeyOf } from '../cli/core/ping-record.ts';
import { FAKE_MONITOR_ID, refusedUrl, startFakeCollector } from './fixtures/fake-collector.ts';
import { cli, entries, removeTempDirs, spooled, tempDir } from './fixtures/wrap.ts';

afterAll(() => removeTempDirs());

const MON = FAKE_MONITOR_ID;

/** Fills a spool by running jobs against a refused port; returns the port's URL. */
async function spoolRuns(spool: string, runIds: string[]): Promise<string> {
  const down = await refusedUrl();
  await Promise.all(
    runIds.map((runId) =>
      cli(['run', '-q', '--monitor', MON, '--url', down, '--run-id', runId, '--', 'sh', '-c', 'echo "[milestone] step"; exit 1'], { spoolDir: spool }),
    ),
  );
  return down;
}

describe('drumbeats flush', () => {
  test('an empty or missing spool: exit 0', async () => {
    const result = await cli(['flush'], { spoolDir: join(tempDir(), 'never-created') });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString()).toMatch(/^delivered 0 spooled pings from .+; spool empty\n$/);
  });

  test('delivers each run in order, late, with its original ping ids and timing', async () => {
    const spool = tempDir();
    const down = await spoolRuns(spool, ['A', 'B']);
    const records = spooled(spool);
    expect(records).toHaveLength(6);
    const server = await startFakeCollector(undefined, Number(new URL(down).port));
    try {
      const result = await cli(['flush'], { spoolDir: spool });
      expect(result.exitCode).toBe(0);
      expect(result.stdout.toString()).toBe(`delivered 6 spooled pings from ${spool}; spool empty\n`);
      for (const runId of ['A', 'B']) {
        const sent = server.pings().filter((p) => p.query.run_id === runId);
        const kept = records.filter((r) => r.query.run_id === runId);
        expect(sent.map((p) => p.path.split('/').at(-1))).toEqual(['start', 'log', 'failure']);
        expect(sent.map((p) => p.query.late)).toEqual(['1', '1', '1']);
        expect(sent.map((p) => p.query.ping_id)).toEqual(kept.map((r) => r.query.ping_id));
        expect(sent.map((p) => p.query.sent_at)).toEqual(kept.map((r) => r.query.sent_at));
        expect(sent[2]!.query.duration_ms).toBe(kept[2]!.query.duration_ms);
        expect(sent[2]!.body.toString()).toBe(kept[2]!.body);
      }
      expect(entries(spool)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('collector still down: exit 1, everything kept', async () => {
    const spool = tempDir();
    await spoolRuns(spool, ['C']);
    const result = await cli(['flush'], { spoolDir: spool });
    expect(result.exitCode).toBe(1);
    expect(result.stdout.toString()).toMatch(/; 3 left \(http:\/\/127\.0\.0\.1:\d+: connection refused\)\n$/);
    expect(spooled(spool)).toHaveLength(3);
  });

  test('several collectors down: each is named with its reason', async () => {
    const spool = tempDir();
    const downs = await Promise.all(['J', 'K', 'L'].map((runId) => spoolRuns(spool, [runId])));
    expect(new Set(downs).size).toBe(3);
    const result = await cli(['flush'], { spoolDir: spool });
    expect(result.exitCode).toBe(1);
    expect(result.stdout.toString()).toBe(`delivered 0 spooled pings from ${spool}; 9 left (${[...downs].sort().join(', ')}: connection refused)\n`);
    expect(spooled(spool)).toHaveLength(9);
  });

  test('refused for good (404): dropped with a message, exit 0', async () => {
    const spool = tempDir();
    await spoolRuns(spool, ['D']);
    const server = await startFakeCollector(() => ({ status: 404, body: { error: { code: 'unknown_monitor', message: 'gone' } } }));
    try {
      const result = await cli(['flush', '--url', server.url], { spoolDir: spool });
      expect(result.exitCode).toBe(0);
      expect(result.stderr.split('\n').filter(Boolean)).toEqual([
        'drumbeats: dropped start ping of run D (404 unknown_monitor: gone)',
        'drumbeats: dropped log ping of run D (404 unknown_monitor: gone)',
        'drumbeats: dropped failure ping of run D (404 unknown_monitor: gone)',
      ]);
      expect(spooled(spool)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('two flushes at once deliver every ping exactly once', async () => {
    const spool = tempDir();
    await spoolRuns(spool, ['E', 'F', 'G']);
    const server = await startFakeCollector(() => ({ status: 200, delayMs: 30, body: { ok: true } }));
    try {
      await Promise.all([cli(['flush', '--url', server.url], { spoolDir: spool }), cli(['flush', '--url', server.url], { spoolDir: spool })]);
      // A flush that found a run locked leaves it; a third flush picks up anything left.
      await cli(['flush', '--url', server.url], { spoolDir: spool });
      // Every ping arrives, in order per run. A flusher racing another may resend a
      // ping the other just delivered; the collector stores it once by its ping_id
      // (tested against the real collector in run-network), so count distinct ids.
      const firstArrivals = server.pings().filter((p, i, all) => all.findIndex((q) => q.query.ping_id === p.query.ping_id) === i);
      expect(firstArrivals).toHaveLength(9);
      expect(server.pings().length).toBeLessThanOrEqual(12);
      for (const runId of ['E', 'F', 'G']) {
        expect(firstArrivals.filter((p) => p.query.run_id === runId).map((p) => p.path.split('/').at(-1))).toEqual(['start', 'log', 'failure']);
      }
      expect(entries(spool)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('a run locked by a live flusher is left alone; a lock whose owner died is taken over', async () => {
    const spool = tempDir();
    const down = await spoolRuns(spool, ['H']);
    const lock = join(spool, `${runKeyOf(down, MON, 'H')}.lock`);
    const server = await startFakeCollector(undefined, Number(new URL(down).port));
    try {
      writeFileSync(lock, `${process.pid}\n`);
      const busy = await cli(['flush'], { spoolDir: spool });
      expect(busy.exitCode).toBe(1);
      expect(server.pings()).toEqual([]);

      writeFileSync(lock, '2147483646\n');
      const taken = await cli(['flush'], { spoolDir: spool });
      expect(taken.exitCode).toBe(0);
      expect(server.pings()).toHaveLength(3);
      expect(entries(spool)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('an unreadable spool file is set aside, not retried forever', async () => {
    const spool = tempDir();
    await spoolRuns(spool, ['I']);
    const [name] = entries(spool);
    writeFileSync(join(spool, name!), '{"half a json');
    const copy = tempDir();
    cpSync(spool, copy, { recursive: true });
    const server = await startFakeCollector();
    try {
      const result = await cli(['flush', '--url', server.url], { spoolDir: spool });
      expect(result.exitCode).toBe(0);
      expect(server.pings().map((p) => p.path.split('/').at(-1))).toEqual(['log', 'failure']);
      expect(entries(spool)).toEqual([`bad-${name}`]);
    } finally {
      await server.close();
    }
  });
});
