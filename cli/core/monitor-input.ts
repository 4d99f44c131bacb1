// What `monitors create|update` would send, checked before it is sent, so a
// mistake is one clear line with exit 2 instead of the API's validation text.

import { MAX_THRESHOLD_SECONDS, MONITOR_NAME_MAX_CHARS, MONITOR_NAME_PATTERN, PLAIN_SECONDS_PATTERN, SLUG_PATTERN, thresholdMs } from '../../shared/protocol.ts';

export interface MonitorInput {
  name?: string;
  slug?: string;
  /** Seconds; null removes the threshold (update only). */
  minDuration?: number | null;
  maxDuration?: number | null;
}

export interface StoredThresholds {
  minDuration: number | null;
  maxDuration: number | null;
}

/** Parses a threshold typed after `flag`: plain decimal seconds, or the message saying what to type instead. */
export function parseThresholdSeconds(flag: string, text: string): { seconds: number } | { error: string } {
  const value = text.trim();
  if (!PLAIN_SECONDS_PATTERN.test(value)) return { error: `${flag} "${text}" is not a number of seconds: use plain decimals, e.g. 90 or 1.5` };
  return { seconds: Number(value) };
}

/** The first problem with `input` (given the monitor's stored thresholds on update), or null when it is fine. */
export function checkMonitorInput(input: MonitorInput, stored: StoredThresholds = { minDuration: null, maxDuration: null }): string | null {
  const { name, slug, minDuration, maxDuration } = input;
  if (name !== undefined) {
    if (name.trim() === '') return 'the name must not be empty';
    if ([...name].length > MONITOR_NAME_MAX_CHARS) return `the name is longer than ${MONITOR_NAME_MAX_CHARS} characters`;
    if (!MONITOR_NAME_PATTERN.test(name)) return 'the name must not contain control characters (tabs, newlines)';
  }
  if (slug !== undefined && !SLUG_PATTERN.test(slug)) {
    return `--slug "${slug.length > 64 ? `${slug.slice(0, 64)}…` : slug}" must be 1-64 lowercase letters, digits and inner dashes, e.g. nightly-backup`;
  }
  const limit = `31 days (${MAX_THRESHOLD_SECONDS} seconds)`;
  if (maxDuration === 0) return '--max-duration must be greater than 0 (leave it out, or "none" on update, for no maximum)';
  if (maxDuration != null && thresholdMs(maxDuration) === 0) {
    return `--max-duration ${maxDuration} is under a millisecond, the collector's unit: use at least 0.001 (or leave it out for no maximum)`;
  }
  if (minDuration != null && minDuration !== 0 && thresholdMs(minDuration) === 0) {
    return `--min-duration ${minDuration} is under a millisecond, the collector's unit: use 0 or at least 0.001`;
  }
  if (maxDuration != null && maxDuration > MAX_THRESHOLD_SECONDS) return `--max-duration must be at most ${limit}`;
  if (minDuration != null && minDuration > MAX_THRESHOLD_SECONDS) return `--min-duration must be at most ${limit}`;
  const min = minDuration === undefined ? stored.minDuration : minDuration;
  const max = maxDuration === undefined ? stored.maxDuration : maxDuration;
  if (min !== null && max !== null && thresholdMs(min) > thresholdMs(max)) {
    const minText = minDuration === undefined ? `the monitor's min duration (${min} s)` : `--min-duration (${min} s)`;
    const maxText = maxDuration === undefined ? `the monitor's max duration (${max} s)` : `--max-duration (${max} s)`;
    return `${minText} must not exceed ${maxText}`;
  }
  return null;
}
