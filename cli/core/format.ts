// Human formatting for the terminal: durations, times, tables as plain text.
// Pure: the current time and the time zone offset come in as arguments.

import stringWidth from 'string-width';

/** "850 ms", "12.3 s", "1m 12s", "2h 05m", "3d 4h". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/** "just now", "42s ago", "3m ago", "5h ago", "2d ago"; "in 3m" for future times. */
export function formatRelative(thenMs: number, nowMs: number): string {
  const delta = nowMs - thenMs;
  const future = delta < 0;
  const s = Math.abs(delta) / 1000;
  let text: string;
  if (s < 5) return 'just now';
  else if (s < 60) text = `${Math.floor(s)}s`;
  else if (s < 3600) text = `${Math.floor(s / 60)}m`;
  else if (s < 86_400) text = `${Math.floor(s / 3600)}h`;
  else text = `${Math.floor(s / 86_400)}d`;
  return future ? `in ${text}` : `${text} ago`;
}

/** Local wall time "2026-12-03 17:05:09" for a UTC instant, given the zone offset in minutes east of UTC. */
export function formatLocalTime(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  return local.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Left-aligned columns separated by two spaces: the table shape for pipes and dumb terminals.
 * Widths are terminal columns (string-width: 日本 takes 4, a combining accent 0), not UTF-16 units.
 */
export function formatPlainTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - stringWidth(cell)))))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
