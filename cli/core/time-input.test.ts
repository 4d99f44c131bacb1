import { expect, test } from 'vitest';
import { formatDuration } from './format.ts';
import { formatOffset, formatWhen, parseTimeInput } from './time-input.ts';

const NOW = Date.parse('2026-12-03T17:05:09Z');
const CET = 60; // UTC+1

test.each([
  ['30m', 0, NOW - 30 * 60_000],
  ['2h', 0, NOW - 2 * 3_600_000],
  ['7d', 0, NOW - 7 * 86_400_000],
  ['1w', 0, NOW - 604_800_000],
  ['90s ago', 0, NOW - 90_000],
  ['1.5h', 0, NOW - 5_400_000],
  ['now', 0, NOW],
  ['today', 0, Date.parse('2026-12-03T00:00:00Z')],
  ['today', CET, Date.parse('2026-12-02T23:00:00Z')],
  ['yesterday', CET, Date.parse('2026-12-01T23:00:00Z')],
  ['2026-12-01', 0, Date.parse('2026-12-01T00:00:00Z')],
  ['2026-12-01', CET, Date.parse('2026-11-30T23:00:00Z')],
  ['2026-12-01 08:30', CET, Date.parse('2026-12-01T07:30:00Z')],
  ['2026-12-01T08:30:15.5', 0, Date.parse('2026-12-01T08:30:15.500Z')],
  ['2026-12-01T08:30:00Z', CET, Date.parse('2026-12-01T08:30:00Z')],
  ['2026-12-01T08:30:00+02:00', 0, Date.parse('2026-12-01T06:30:00Z')],
  ['2026-02-30', 0, null],
  ['2026-12-01 25:00', 0, null],
  ['last tuesday', 0, null],
  ['', 0, null],
  ['5', 0, null],
])('parseTimeInput(%j, offset %i)', (text, offset, expected) => {
  expect(parseTimeInput(text, NOW, offset)).toBe(expected);
});

test('formatWhen shows local time and how long ago', () => {
  expect(formatWhen(NOW - 180_000, NOW, CET)).toBe('2026-12-03 18:02:09 (3m ago)');
});

test.each([
  [0, '+0 ms'],
  [72_000, '+1m 12s'],
  [-850, '-850 ms'],
])('formatOffset(%i)', (ms, expected) => {
  expect(formatOffset(ms, formatDuration)).toBe(expected);
});
