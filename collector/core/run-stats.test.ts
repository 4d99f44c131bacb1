import { describe, expect, test } from 'vitest';
import type { RunStatus } from '../../shared/protocol.ts';
import { bucketDurations, percentile, summariseRuns, type RunOutcome } from './run-stats.ts';

const T0 = Date.parse('2026-12-03T00:00:00Z');
const outcome = (status: RunStatus, durationMs: number | null, hour = 0): RunOutcome => ({
  status,
  durationMs,
  startedAt: T0 + hour * 3_600_000,
});
const none = { minDurationMs: null, maxDurationMs: null };

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  test.each([
    [[7], 95, 7],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 95, 4],
    [hundred, 95, 95],
    [hundred, 50, 50],
    [hundred, 100, 100],
    [hundred, 0, 1],
    [[10, 20], 95, 20],
  ])('percentile(%j, %i) = %i', (sorted, p, expected) => {
    expect(percentile(sorted, p)).toBe(expected);
  });

  test('refuses an empty list', () => {
    expect(() => percentile([], 95)).toThrow(RangeError);
  });
});

describe('bucketDurations', () => {
  test.each([
    ['empty', [], 4, []],
    ['one value', [500], 4, [{ fromMs: 500, toMs: 500, count: 1 }]],
    ['all equal', [300, 300, 300], 4, [{ fromMs: 300, toMs: 300, count: 3 }]],
    [
      'max lands in the last bucket',
      [0, 10, 20, 39, 40],
      4,
      [
        { fromMs: 0, toMs: 10, count: 1 },
        { fromMs: 10, toMs: 20, count: 1 },
        { fromMs: 20, toMs: 30, count: 1 },
        { fromMs: 30, toMs: 40, count: 2 },
      ],
    ],
    [
      'edges are whole milliseconds',
      [0, 1, 2, 10],
      3,
      [
        { fromMs: 0, toMs: 3, count: 3 },
        { fromMs: 3, toMs: 7, count: 0 },
        { fromMs: 7, toMs: 10, count: 1 },
      ],
    ],
  ])('%s', (_name, sorted, count, expected) => {
    expect(bucketDurations(sorted, count)).toEqual(expected);
  });
});

describe('summariseRuns', () => {
  test('nothing yet', () => {
    expect(summariseRuns([], none)).toEqual({
      runs: 0,
      running: 0,
      success: 0,
      failed: 0,
      successRate: null,
      durations: null,
      histogram: [],
      aboveMax: null,
      belowMin: null,
      firstStartedAt: null,
      lastStartedAt: null,
    });
  });

  test('under min counts successes only, as DURATION_LOW does; over max counts every finished run', () => {
    const stats = summariseRuns([outcome('failed', 200, 1), outcome('failed', 9000, 2), outcome('success', 300, 3)], { minDurationMs: 1000, maxDurationMs: 5000 });
    expect(stats).toMatchObject({ belowMin: 1, aboveMax: 1 });
  });

  test('counts by status; success rate ignores running runs; durations of finished runs only', () => {
    const stats = summariseRuns(
      [
        outcome('success', 1000, 3),
        outcome('success', 3000, 2),
        outcome('failed', 2000, 1),
        outcome('failed', null, 0), // closed by the watchdog: no duration
        outcome('running', null, 4),
      ],
      { minDurationMs: 1500, maxDurationMs: 2500 },
      2,
    );
    expect(stats).toEqual({
      runs: 5,
      running: 1,
      success: 2,
      failed: 2,
      successRate: 0.5,
      durations: { count: 3, minMs: 1000, avgMs: 2000, p50Ms: 2000, p95Ms: 3000, maxMs: 3000 },
      histogram: [
        { fromMs: 1000, toMs: 2000, count: 1 },
        { fromMs: 2000, toMs: 3000, count: 2 },
      ],
      aboveMax: 1,
      belowMin: 1,
      firstStartedAt: T0,
      lastStartedAt: T0 + 4 * 3_600_000,
    });
  });

  test.each([
    ['all succeeded', ['success', 'success'], 1],
    ['all failed', ['failed'], 0],
    ['one in three failed', ['success', 'failed', 'success'], 2 / 3],
    ['only running', ['running'], null],
  ] as Array<[string, RunStatus[], number | null]>)('success rate: %s', (_name, statuses, expected) => {
    expect(summariseRuns(statuses.map((s) => outcome(s, s === 'running' ? null : 10)), none).successRate).toBe(expected);
  });
});
