import { describe, expect, test } from 'vitest';
import type { AnalyticsJson } from '../../../shared/protocol.ts';
import { axisTicks, densifyBuckets, formatBucketSpan, formatDuration, formatPercent, formatRelative, localParts } from './time.ts';

const H = 3600_000;
const at = (iso: string) => Date.parse(iso);
const halfHours = (fromIso: string, count: number) => Array.from({ length: count }, (_, i) => at(fromIso) + i * H / 2);

test('densifyBuckets zero-fills the window and keeps what the API sent', () => {
  const analytics: AnalyticsJson = {
    monitor_id: 'm',
    range: '24h',
    bucket_seconds: 1800,
    from: '2025-06-01T00:00:00.000Z',
    to: '2025-06-01T02:00:00.000Z',
    buckets: [{ start: '2025-06-01T00:30:00.000Z', success: 3, failure: 1, auto_failed: 0, starts: 4, logs: 2, success_rate: 0.75, avg_duration_ms: 900 }],
    totals: { success: 3, failure: 1, auto_failed: 0, starts: 4, logs: 2 },
  };
  const dense = densifyBuckets(analytics);
  expect(dense.map((b) => [new Date(b.start).toISOString().slice(11, 16), b.success, b.failure])).toEqual([
    ['00:00', 0, 0],
    ['00:30', 3, 1],
    ['01:00', 0, 0],
    ['01:30', 0, 0],
  ]);
  expect(dense[1]).toMatchObject({ successRate: 0.75, avgDurationMs: 900, starts: 4, logs: 2 });
});

describe('local time across DST', () => {
  test.each([
    // Europe/Berlin springs forward at 01:00Z on 2025-03-30: 02:00 local does not exist.
    ['Europe/Berlin', '2025-03-30T00:30:00Z', 'Sun 30 Mar, 01:30–03:00'],
    ['Europe/Berlin', '2025-03-30T01:00:00Z', 'Sun 30 Mar, 03:00–03:30'],
    // New York falls back at 06:00Z on 2025-11-02: 01:00-02:00 local happens twice.
    ['America/New_York', '2025-11-02T05:30:00Z', 'Sun 2 Nov, 01:30–01:00'],
    ['America/New_York', '2025-11-02T06:30:00Z', 'Sun 2 Nov, 01:30–02:00'],
    ['Asia/Kathmandu', '2025-06-01T00:00:00Z', 'Sun 1 Jun, 05:45–06:15'],
    ['UTC', '2025-06-01T23:30:00Z', 'Sun 1 Jun, 23:30–00:00'],
  ])('%s: bucket %s reads %s', (zone, start, expected) => {
    expect(formatBucketSpan(at(start), zone)).toBe(expected);
  });

  test('24h ticks in Berlin on the spring-forward day: every third local hour, no 02:00', () => {
    const starts = halfHours('2025-03-29T21:00:00Z', 48); // 22:00 local on the 29th
    const ticks = axisTicks(starts, '24h', 'Europe/Berlin').map((t) => `${localParts(starts[t.index]!, 'UTC').hour}Z ${t.label}`);
    expect(ticks).toEqual(['23Z Sun 30 Mar', '1Z 03:00', '4Z 06:00', '7Z 09:00', '10Z 12:00', '13Z 15:00', '16Z 18:00', '19Z 21:00']);
  });

  test('7d ticks in New York across fall-back: one per local day, at local midnight', () => {
    const starts = halfHours('2025-10-31T04:00:00Z', 7 * 48); // Fri 31 Oct 00:00 EDT
    const ticks = axisTicks(starts, '7d', 'America/New_York');
    expect(ticks.map((t) => t.label)).toEqual(['Sat 1 Nov', 'Sun 2 Nov', 'Mon 3 Nov', 'Tue 4 Nov', 'Wed 5 Nov', 'Thu 6 Nov']);
    expect(ticks.map((t) => new Date(starts[t.index]!).toISOString().slice(11, 16))).toEqual([
      '04:00', '04:00', '05:00', '05:00', '05:00', '05:00',
    ]);
  });

  test('45-minute offsets still get ticks', () => {
    const starts = halfHours('2025-06-01T00:00:00Z', 48);
    expect(axisTicks(starts, '24h', 'Asia/Kathmandu').map((t) => t.label).slice(0, 3)).toEqual(['06:15', '09:15', '12:15']);
  });
});

test.each([
  [null, '—'],
  [0, '0 ms'],
  [850, '850 ms'],
  [1200, '1.2 s'],
  [1000, '1 s'],
  [12_345, '12.3 s'],
  [185_000, '3 m 05 s'],
  [3_720_000, '1 h 02 m'],
])('formatDuration(%s) = %s', (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
});

test.each([
  [null, '—'],
  [1, '100%'],
  [0, '0%'],
  [0.8, '80%'],
  [0.995, '99.5%'],
  [0.9996, '100%'],
  [2 / 3, '66.7%'],
])('formatPercent(%s) = %s', (rate, text) => {
  expect(formatPercent(rate)).toBe(text);
});

test.each([
  [0, 'just now'],
  [5 * 60_000, '5 min ago'],
  [3 * H, '3 h ago'],
  [50 * H, '2 d ago'],
])('formatRelative(now - %i) = %s', (ago, text) => {
  expect(formatRelative(1_000_000_000_000 - ago, 1_000_000_000_000)).toBe(text);
});
