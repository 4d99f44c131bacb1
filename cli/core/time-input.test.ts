import { expect, test } from 'vitest';
import { formatDuration } from './format.ts';
import { checkTimeRange, formatOffset, formatWhen, parseTimeInput, type TypedTime } from './time-input.ts';

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

const at = (text: string, iso: string): TypedTime => ({ text, ms: Date.parse(iso) });

test.each<[string, TypedTime | null, TypedTime | null, string | null]>([
  ['no since', null, at('2026-12-01', '2026-12-01T00:00:00Z'), null],
  ['since in the past, no before', at('7d', '2026-11-26T17:05:09Z'), null, null],
  ['since before before', at('2026-12-01', '2026-12-01T00:00:00Z'), at('2026-12-02', '2026-12-02T00:00:00Z'), null],
  ['before in the future is fine', at('1h', '2026-12-03T16:05:09Z'), at('2026-12-05', '2026-12-05T00:00:00Z'), null],
  ['inverted', at('2026-12-04', '2026-12-04T00:00:00Z'), at('2026-12-03', '2026-12-03T00:00:00Z'),
    '--since "2026-12-04" is not before --before "2026-12-03": no run can match (swap them?)'],
  ['empty: since equals before', at('today', '2026-12-03T00:00:00Z'), at('2026-12-03', '2026-12-03T00:00:00Z'),
    '--since "today" is not before --before "2026-12-03": no run can match (swap them?)'],
  ['since 0d is now', at('0d', '2026-12-03T17:05:09Z'), null, '--since "0d" is not in the past: no run can have started since then (e.g. --since 1d)'],
  ['since in the future', at('2026-12-10', '2026-12-10T00:00:00Z'), null,
    '--since "2026-12-10" is not in the past: no run can have started since then (e.g. --since 1d)'],
  ['a millisecond ago', at('x', '2026-12-03T17:05:08.999Z'), null, null],
])('checkTimeRange: %s', (_name, since, before, expected) => {
  expect(checkTimeRange(since, before, NOW)).toBe(expected);
});
