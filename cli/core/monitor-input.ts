// What `monitors create|update` would send, checked before it is sent, so a
// mistake is one clear line with exit 2 instead of the API's validation text.

import { MAX_THRESHOLD_SECONDS, MONITOR_NAME_MAX_CHARS, MONITOR_NAME_PATTERN } from '../../shared/protocol.ts';

export interface MonitorInput {
  name?: string;
  /** Seconds; null removes the threshold (update only). */
  minDuration?: number | null;
  maxDuration?: number | null;
}

export interface StoredThresholds {
  minDuration: number | null;
  maxDuration: number | null;
}

/** The first problem with `input` (given the monitor's stored thresholds on update), or null when it is fine. */
export function checkMonitorInput(input: MonitorInput, stored: StoredThresholds = { minDuration: null, maxDuration: null }): string | null {
  const { name, minDuration, maxDuration } = input;
  if (name !== undefined) {
    if (name.trim() === '') return 'the name must not be empty';
    if ([...name].length > MONITOR_NAME_MAX_CHARS) return `the name is longer than ${MONITOR_NAME_MAX_CHARS} characters`;
    if (!MONITOR_NAME_PATTERN.test(name)) return 'the name must not contain control characters (tabs, newlines)';
  }
  const limit = `31 days (${MAX_THRESHOLD_SECONDS} seconds)`;
  if (maxDuration === 0) return '--max-duration must be greater than 0 (leave it out, or "none" on update, for no maximum)';
  if (maxDuration != null && maxDuration > MAX_THRESHOLD_SECONDS) return `--max-duration must be at most ${limit}`;
  if (minDuration != null && minDuration > MAX_THRESHOLD_SECONDS) return `--min-duration must be at most ${limit}`;
  const min = minDuration === undefined ? stored.minDuration : minDuration;
  const max = maxDuration === undefined ? stored.maxDuration : maxDuration;
  if (min !== null && max !== null && min > max) {
    const minText = minDuration === undefined ? `the monitor's min duration (${min} s)` : `--min-duration (${min} s)`;
    const maxText = maxDuration === undefined ? `the monitor's max duration (${max} s)` : `--max-duration (${max} s)`;
    return `${minText} must not exceed ${maxText}`;
  }
  return null;
}
