// Time on the dashboard, as pure functions: buckets are UTC instants from the
// API; everything a person reads is in the browser's time zone (or the one
// passed in, for tests). Working on instants and asking Intl for local parts
// keeps labels right across DST changes and half-hour or 45-minute offsets.

import { BUCKET_MS, type AnalyticsJson, type AnalyticsRange } from '../../../shared/protocol.ts';

/** One bar of the analytics chart: a 30-minute bucket, zero-filled when the API sent none. */
export interface ChartBucket {
  start: number;
  success: number;
  failure: number;
  autoFailed: number;
  starts: number;
  logs: number;
  successRate: number | null;
  avgDurationMs: number | null;
}

/** Every bucket of the analytics window in order, empty ones included. */
export function densifyBuckets(analytics: AnalyticsJson): ChartBucket[] {
  const from = Date.parse(analytics.from);
  const to = Date.parse(analytics.to);
  const byStart = new Map(analytics.buckets.map((b) => [Date.parse(b.start), b]));
  const out: ChartBucket[] = [];
  for (let start = from; start < to; start += BUCKET_MS) {
    const b = byStart.get(start);
    out.push({
      start,
      success: b?.success ?? 0,
      failure: b?.failure ?? 0,
      autoFailed: b?.auto_failed ?? 0,
      starts: b?.starts ?? 0,
      logs: b?.logs ?? 0,
      successRate: b?.success_rate ?? null,
      avgDurationMs: b?.avg_duration_ms ?? null,
    });
  }
  return out;
}

/** Local calendar parts of an instant. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: string;
  monthName: string;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

/** The local date and time of `ms` in `timeZone` (the browser's when undefined). */
export function localParts(ms: number, timeZone?: string): LocalParts {
  const key = timeZone ?? '';
  let format = partsFormatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    partsFormatters.set(key, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(ms))) parts[p.type] = p.value;
  const month = Number(parts.month);
  return {
    year: Number(parts.year),
    month,
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: parts.weekday ?? '',
    monthName: MONTHS[month - 1] ?? '',
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** "14:30" in local time. */
export function formatClock(ms: number, timeZone?: string): string {
  const p = localParts(ms, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** "Sun 30 Mar" in local time. */
export function formatDay(ms: number, timeZone?: string): string {
  const p = localParts(ms, timeZone);
  return `${p.weekday} ${p.day} ${p.monthName}`;
}

/** "Sun 30 Mar 2025, 14:30:05" in local time (seconds included). */
export function formatDateTime(ms: number, timeZone?: string): string {
  const p = localParts(ms, timeZone);
  const seconds = pad(new Date(ms).getUTCSeconds());
  return `${p.weekday} ${p.day} ${p.monthName} ${p.year}, ${pad(p.hour)}:${pad(p.minute)}:${seconds}`;
}

/** The local span of a bucket: "Sun 30 Mar, 01:30–03:00" (DST can make it look longer or shorter than 30 minutes). */
export function formatBucketSpan(start: number, timeZone?: string): string {
  return `${formatDay(start, timeZone)}, ${formatClock(start, timeZone)}–${formatClock(start + BUCKET_MS, timeZone)}`;
}

export interface AxisTick {
  /** Index of the bucket the tick sits at (its left edge). */
  index: number;
  label: string;
  /** True at a local day change: drawn stronger. */
  major: boolean;
}

/**
 * Axis ticks for a run of bucket starts: at local day changes, and within a
 * 24h range also every third local hour. A tick sits on the first bucket that
 * begins in the new local hour or day, so a DST change shifts ticks by an
 * hour instead of duplicating or dropping days.
 */
export function axisTicks(starts: readonly number[], range: AnalyticsRange, timeZone?: string): AxisTick[] {
  const ticks: AxisTick[] = [];
  let previous: LocalParts | null = null;
  let dayCount = 0;
  starts.forEach((start, index) => {
    const p = localParts(start, timeZone);
    if (previous !== null) {
      const newDay = p.day !== previous.day || p.month !== previous.month || p.year !== previous.year;
      const newHour = p.hour !== previous.hour || newDay;
      if (newDay) {
        dayCount += 1;
        const everyNth = range === '30d' ? 3 : 1;
        if (dayCount % everyNth === 0 || range === '24h') ticks.push({ index, label: formatDay(start, timeZone), major: true });
      } else if (range === '24h' && newHour && p.hour % 3 === 0) {
        ticks.push({ index, label: formatClock(start, timeZone), major: false });
      }
    }
    previous = p;
  });
  return ticks;
}

/** "850 ms", "1.2 s", "3 m 05 s", "1 h 02 m"; "—" for null. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1).replace(/\.?0+$/, '')} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)} m ${pad(totalSeconds % 60)} s`;
  const totalMinutes = Math.round(ms / 60_000);
  return `${Math.floor(totalMinutes / 60)} h ${pad(totalMinutes % 60)} m`;
}

/** "80%", "99.5%", "—" for null. */
export function formatPercent(rate: number | null): string {
  if (rate === null) return '—';
  const pct = rate * 100;
  return `${pct === 100 || pct === 0 || pct >= 99.95 ? pct.toFixed(0) : pct.toFixed(1).replace(/\.0$/, '')}%`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago". */
export function formatRelative(ms: number, now: number): string {
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 0) return 'in the future';
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** A `datetime-local` input value (local wall time) as an instant; null when blank or invalid. */
export function parseLocalInput(value: string): number | null {
  if (value.trim() === '') return null;
  const ms = new Date(value).getTime(); // no zone designator: parsed as local time
  return Number.isNaN(ms) ? null : ms;
}
