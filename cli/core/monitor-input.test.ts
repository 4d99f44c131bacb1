import { expect, test } from 'vitest';
import { checkMonitorInput, type MonitorInput, type StoredThresholds } from './monitor-input.ts';

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
])('%s', (_name, input, stored, expected) => {
  expect(checkMonitorInput(input, stored)).toBe(expected);
});
