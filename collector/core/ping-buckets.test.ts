import { describe, expect, test } from 'vitest';
import { analyticsWindow, bucketStart, pingBucketDelta, successRate } from './ping-buckets.ts';

const at = (iso: string) => Date.parse(iso);

describe('bucketStart', () => {
  test.each([
    ['2025-03-30T00:00:00.000Z', '2025-03-30T00:00:00.000Z'],
    ['2025-03-30T00:29:59.999Z', '2025-03-30T00:00:00.000Z'],
    ['2025-03-30T00:30:00.000Z', '2025-03-30T00:30:00.000Z'],
    ['2025-03-30T23:59:59.999Z', '2025-03-30T23:30:00.000Z'],
  ])('%s is in the bucket starting %s', (time, start) => {
    expect(new Date(bucketStart(at(time))).toISOString()).toBe(start);
  });
});

describe('pingBucketDelta', () => {
  test.each([
    { kind: 'start', outcome: null, duration: null, expected: { starts: 1 } },
    { kind: 'log', outcome: null, duration: null, expected: { logs: 1 } },
    { kind: 'success', outcome: 'success', duration: 1200, expected: { successes: 1, durationSumMs: 1200, durationCount: 1 } },
    { kind: 'success', outcome: 'failed', duration: 50, expected: { failures: 1, durationSumMs: 50, durationCount: 1 } },
    { kind: 'failure', outcome: 'failed', duration: null, expected: { failures: 1 } },
  ] as const)('$kind ($outcome, $duration ms)', ({ kind, outcome, duration, expected }) => {
    const zero = { starts: 0, logs: 0, successes: 0, failures: 0, autoFailed: 0, durationSumMs: 0, durationCount: 0 };
    expect(pingBucketDelta(kind, outcome, duration)).toEqual({ ...zero, ...expected });
  });
});

describe('analyticsWindow', () => {
  test.each([
    ['24h', '2025-06-01T12:10:00Z', '2025-05-31T12:30:00.000Z', '2025-06-01T12:30:00.000Z', 48],
    ['24h', '2025-06-01T12:30:00Z', '2025-05-31T13:00:00.000Z', '2025-06-01T13:00:00.000Z', 48],
    ['7d', '2025-06-01T00:00:00Z', '2025-05-25T00:30:00.000Z', '2025-06-01T00:30:00.000Z', 336],
    ['30d', '2025-06-01T00:00:00Z', '2025-05-02T00:30:00.000Z', '2025-06-01T00:30:00.000Z', 1440],
  ] as const)('%s ending %s covers [%s, %s): %i buckets', (range, end, from, to, count) => {
    const window = analyticsWindow(range, at(end));
    expect(new Date(window.from).toISOString()).toBe(from);
    expect(new Date(window.to).toISOString()).toBe(to);
    expect((window.to - window.from) / 1_800_000).toBe(count);
  });
});

test.each([
  [0, 0, 0, null],
  [3, 1, 0, 0.75],
  [0, 2, 0, 0],
  [1, 0, 2, 1 / 3],
  [0, 0, 2, 0],
  [2, 1, 1, 0.5],
])('successRate(%i ok, %i failed, %i auto-failed) = %s', (successes, failures, autoFailed, expected) => {
  expect(successRate({ successes, failures, autoFailed })).toBe(expected);
});
