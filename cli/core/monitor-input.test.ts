import { expect, test } from 'vitest';
import { checkMonitorInput, parseThresholdSeconds, type MonitorInput, type StoredThresholds } from './monitor-input.ts';

const none: StoredThresholds = { minDuration: null, maxDuration: null };

test.each<[string, MonitorInput, StoredThresholds, string | null]>([
  ['thresholds in range', { name: 'Backup', minDuration: 0.5, maxDuration: 3600 }, none, null],
  ['exactly 31 days', { maxDuration: 2_678_400 }, none, null],
  ['max over 31 days', { maxDuration: 1e9 }, none, '--max-duration must be at most 31 days (2678400 seconds)'],
  ['min over 31 days', { minDuration: 2_678_401 }, none, '--min-duration must be at most 31 days (2678400 seconds)'],
  ['max 0', { maxDuration: 0 }, none, '--max-duration must be greater than 0 (leave it out, or "none" on update, for no maximum)'],
  ['max 0 with a minimum: says max, not min > max', { minDuration: 5, maxDuration: 0 }, none, '--max-duration must be greater than 0 (leave it out, or "none" on update, for no maximum)'],
  ['min above max', { minDuration: 60, maxDuration: 30 }, none, '--min-duration (60 s) must not exceed --max-duration (30 s)'],
  ['min above the stored max', { minDuration: 60 }, { minDuration: null, maxDuration: 30 }, "--min-duration (60 s) must not exceed the monitor's max duration (30 s)"],
  ['max below the stored min', { maxDuration: 10 }, { minDuration: 20, maxDuration: null }, "the monitor's min duration (20 s) must not exceed --max-duration (10 s)"],
  ['removing the max leaves any min', { maxDuration: null }, { minDuration: 20, maxDuration: 30 }, null],
  ['empty name', { name: '' }, none, 'the name must not be empty'],
  ['blank name', { name: '   ' }, none, 'the name must not be empty'],
  ['long name', { name: 'x'.repeat(201) }, none, 'the name is longer than 200 characters'],
  ['a tab in the name', { name: 'a\tb' }, none, 'the name must not contain control characters (tabs, newlines)'],
  ['a newline in the name', { name: 'a\nb' }, none, 'the name must not contain control characters (tabs, newlines)'],
  ['unicode and punctuation are fine', { name: 'Café — nightly (v2) 🚀' }, none, null],
  ['max that rounds to 0 ms', { maxDuration: 0.0001 }, none, "--max-duration 0.0001 is under a millisecond, the collector's unit: use at least 0.001 (or leave it out for no maximum)"],
  ['max just under half a millisecond', { maxDuration: 0.0004999 }, none, "--max-duration 0.0004999 is under a millisecond, the collector's unit: use at least 0.001 (or leave it out for no maximum)"],
  ['max that rounds up to 1 ms', { maxDuration: 0.0005 }, none, null],
  ['min that rounds to 0 ms', { minDuration: 0.0004 }, none, "--min-duration 0.0004 is under a millisecond, the collector's unit: use 0 or at least 0.001"],
  ['min 0 is a threshold like any other', { minDuration: 0, maxDuration: 1 }, none, null],
  ['min and max equal once rounded to ms, as the collector compares them', { minDuration: 1.0004, maxDuration: 1.0001 }, none, null],
  ['min above max by a millisecond', { minDuration: 1.002, maxDuration: 1.001 }, none, '--min-duration (1.002 s) must not exceed --max-duration (1.001 s)'],
  ['a good slug', { slug: 'nightly-backup-2' }, none, null],
  ['a slug with spaces and punctuation', { slug: 'Bad Slug!' }, none, '--slug "Bad Slug!" must be 1-64 lowercase letters, digits and inner dashes, e.g. nightly-backup'],
  ['a slug ending in a dash', { slug: 'backup-' }, none, '--slug "backup-" must be 1-64 lowercase letters, digits and inner dashes, e.g. nightly-backup'],
  ['a slug of 65 characters', { slug: 'a'.repeat(65) }, none, `--slug "${'a'.repeat(64)}…" must be 1-64 lowercase letters, digits and inner dashes, e.g. nightly-backup`],
  ['an empty slug', { slug: '' }, none, '--slug "" must be 1-64 lowercase letters, digits and inner dashes, e.g. nightly-backup'],
])('%s', (_name, input, stored, expected) => {
  expect(checkMonitorInput(input, stored)).toBe(expected);
});

test.each<[string, { seconds: number } | { error: string }]>([
  ['90', { seconds: 90 }],
  ['1.5', { seconds: 1.5 }],
  ['.5', { seconds: 0.5 }],
  [' 30 ', { seconds: 30 }],
  ['0', { seconds: 0 }],
  ['0x10', { error: '--max-duration "0x10" is not a number of seconds: use plain decimals, e.g. 90 or 1.5' }],
  ['1e3', { error: '--max-duration "1e3" is not a number of seconds: use plain decimals, e.g. 90 or 1.5' }],
  ['-5', { error: '--max-duration "-5" is not a number of seconds: use plain decimals, e.g. 90 or 1.5' }],
  ['Infinity', { error: '--max-duration "Infinity" is not a number of seconds: use plain decimals, e.g. 90 or 1.5' }],
  ['5s', { error: '--max-duration "5s" is not a number of seconds: use plain decimals, e.g. 90 or 1.5' }],
  ['1.', { error: '--max-duration "1." is not a number of seconds: use plain decimals, e.g. 90 or 1.5' }],
  ['', { error: '--max-duration "" is not a number of seconds: use plain decimals, e.g. 90 or 1.5' }],
])('--max-duration %j', (text, expected) => {
  expect(parseThresholdSeconds('--max-duration', text)).toEqual(expected);
});
