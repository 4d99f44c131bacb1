// Times typed on the command line (`--since 2h`, `--before 2026-12-01`) and
// times shown back (local wall time plus "3m ago"). Pure: now and the local
// zone offset (minutes east of UTC) are arguments.

import { formatLocalTime, formatRelative } from './format.ts';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses "30m", "2h", "7d", "1w" (that long ago), "now", "today", "yesterday"
 * (local midnight), a local date or date-time ("2026-12-03", "2026-12-03 17:05")
 * or an ISO 8601 instant with a zone ("2026-12-03T17:05:00Z"). Null when unreadable.
 */
export function parseTimeInput(text: string, nowMs: number, offsetMinutes: number): number | null {
  const value = text.trim().toLowerCase();
  const relative = /^(\d+(?:\.\d+)?)\s*([smhdw])(?:\s*ago)?$/.exec(value);
  if (relative) return nowMs - Math.round(Number(relative[1]) * UNIT_MS[relative[2]!]!);
  if (value === 'now') return nowMs;
  if (value === 'today' || value === 'yesterday') {
    const local = new Date(nowMs + offsetMinutes * 60_000);
    const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - offsetMinutes * 60_000;
    return value === 'today' ? midnight : midnight - 86_400_000;
  }
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(value);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = local;
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0')));
    const check = new Date(utc);
    if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
      return null;
    }
    return utc - offsetMinutes * 60_000;
  }
  if (/^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const ms = Date.parse(value.toUpperCase());
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

/** A time typed after a flag, as typed and as parsed. */
export interface TypedTime {
  text: string;
  ms: number;
}

/**
 * Why a `--since` / `--before` window can hold no run at all, or null: since
 * not before before (an inverted or empty range), or since not in the past
 * (`--since 0d`, `--since now`). Such a query would only print "no runs".
 */
export function checkTimeRange(since: TypedTime | null, before: TypedTime | null, nowMs: number): string | null {
  if (since === null) return null;
  if (before !== null && since.ms >= before.ms) {
    return `--since "${since.text}" is not before --before "${before.text}": no run can match (swap them?)`;
  }
  if (since.ms >= nowMs) return `--since "${since.text}" is not in the past: no run can have started since then (e.g. --since 1d)`;
  return null;
}

/** "2026-12-03 17:05:09 (3m ago)" in local time. */
export function formatWhen(ms: number, nowMs: number, offsetMinutes: number): string {
  return `${formatLocalTime(ms, offsetMinutes)} (${formatRelative(ms, nowMs)})`;
}

/** "+1m 12s"-style signed offset for timelines: "+850 ms", "+12.3 s", "+1m 05s". */
export function formatOffset(ms: number, format: (ms: number) => string): string {
  return ms < 0 ? `-${format(-ms)}` : `+${format(ms)}`;
}
