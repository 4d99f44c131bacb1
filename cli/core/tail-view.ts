// What `drumbeats tail` prints for each stream item, and how long it waits
// before reconnecting. Pure.

import type { StreamItemJson } from '../../shared/protocol.ts';
import { formatDuration, formatLocalTime } from './format.ts';
import type { Paint } from './paint.ts';

/** One human line for a ping or run event: local time, monitor, run, what happened. */
export function formatTailLine(
  item: StreamItemJson,
  monitorName: (monitorId: string) => string,
  offsetMinutes: (ms: number) => number,
  paint: Paint,
): string {
  if (item.type === 'ping') {
    const p = item.ping;
    const at = Date.parse(p.received_at);
    const parts = [paint.dim(formatLocalTime(at, offsetMinutes(at))), monitorName(p.monitor_id), paint.dim(p.run_id)];
    switch (p.kind) {
      case 'start':
        parts.push(paint.cyan('start'));
        break;
      case 'log':
        parts.push('log', quote(p.message ?? ''));
        break;
      case 'success':
      case 'failure': {
        const ok = p.kind === 'success' && (p.exit_code ?? 0) === 0;
        parts.push(ok ? paint.green(p.kind) : paint.red(p.kind));
        if (p.exit_code !== null) parts.push(`exit ${p.exit_code}`);
        if (p.duration_ms !== null) parts.push(formatDuration(p.duration_ms));
        if (p.message !== null) parts.push(quote(p.message));
        break;
      }
    }
    if (p.late) parts.push(paint.yellow('(late)'));
    return parts.join('  ');
  }
  const at = Date.parse(item.event.at);
  const label = item.event.type === 'FAILED' ? paint.red(item.event.type) : paint.yellow(item.event.type);
  const detail = item.event.detail === null ? '' : `  ${item.event.detail}`;
  return `${paint.dim(formatLocalTime(at, offsetMinutes(at)))}  ${monitorName(item.monitor_id)}  ${paint.dim(item.run_id)}  ${paint.bold('event')} ${label}${detail}`;
}

/** Milliseconds to wait before reconnect attempt `attempt` (0-based): 0.5 s doubling to 10 s, ±20 % jitter. */
export function reconnectDelay(attempt: number, random: number, serverRetryMs: number | null = null): number {
  const base = Math.min(10_000, Math.max(serverRetryMs ?? 500, 500) * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.8 + 0.4 * random));
}

// Messages may hold anything: one line, visible control characters, bounded length.
function quote(text: string): string {
  const oneLine = text.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '?');
  return JSON.stringify(oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine);
}
