// How `drumbeats runs show` lays out a run: the header facts, the timeline
// (pings and events in time order, with offsets, gaps and unusual gaps
// marked), and the output tail. Pure: the command prints what this returns.

import type { PingJson, RunDetailJson, RunJson } from '../../shared/protocol.ts';
import { formatDuration } from './format.ts';
import type { Paint } from './paint.ts';
import { formatOffset } from './time-input.ts';

export interface TimelineRow {
  offset: string;
  gap: string;
  typical: string;
  what: string;
  payload: string;
  unusual: boolean;
}

/** "failed (exit_code)", "failed (SIGTERM)", "success". */
export function describeRunStatus(run: RunJson): string {
  if (run.status !== 'failed' || run.failure_reason === null) return run.status;
  return `failed (${run.failure_reason === 'signal' && run.signal ? run.signal : run.failure_reason})`;
}

/** Pings (with their timeline step) and events of the run, in time order; events after the ping of their millisecond. */
export function timelineRows(run: RunDetailJson, paint: Paint): TimelineRow[] {
  const origin = run.pings[0] ? Date.parse(run.pings[0].received_at) : Date.parse(run.started_at ?? run.ended_at ?? '0');
  const rows: Array<{ at: number; order: number; row: TimelineRow }> = [];
  run.pings.forEach((ping, i) => {
    const step = run.timeline[i];
    const unusual = step?.unusual ?? false;
    const gap = step?.gap_ms ?? null;
    const typical = step?.typical_gap_ms ?? null;
    const ratio = unusual && gap !== null && typical !== null && typical > 0 ? `  ▲ ${(gap / typical).toFixed(1)}× typical` : '';
    rows.push({
      at: Date.parse(ping.received_at),
      order: i,
      row: {
        offset: formatOffset(step?.offset_ms ?? Date.parse(ping.received_at) - origin, formatDuration),
        gap: gap === null ? '—' : unusual ? paint.red(paint.bold(`${formatDuration(gap)}${ratio}`)) : formatDuration(gap),
        typical: typical === null ? '—' : formatDuration(typical),
        what: describePing(ping, paint),
        payload: isTerminal(ping) ? (ping.payload === null ? '' : paint.dim('(output tail below)')) : excerpt(ping.payload, 60),
        unusual,
      },
    });
  });
  const omittedAt = run.pings_omitted_at ?? null;
  const resumed = omittedAt === null ? undefined : run.pings[omittedAt];
  if (resumed && run.pings_omitted > 0) {
    // Just before the first ping shown after the gap.
    rows.push({
      at: Date.parse(resumed.received_at),
      order: omittedAt! - 0.5,
      row: { offset: '', gap: '', typical: '', what: paint.dim(`… ${countText(run.pings_omitted)} ping${run.pings_omitted === 1 ? '' : 's'} not shown …`), payload: '', unusual: false },
    });
  }
  run.events.forEach((event, i) => {
    const at = Date.parse(event.at);
    const colour = event.type === 'FAILED' ? paint.red : paint.yellow;
    rows.push({
      at,
      order: run.pings.length + i,
      row: {
        offset: formatOffset(at - origin, formatDuration),
        gap: '',
        typical: '',
        what: `${paint.bold('event')} ${colour(event.type)}${event.detail === null ? '' : ` ${event.detail}`}`,
        payload: '',
        unusual: false,
      },
    });
  });
  return rows.sort((a, b) => a.at - b.at || a.order - b.order).map((r) => r.row);
}

/** "Timeline (… pings; …)": how many pings, and how many of them are shown when the run has too many. */
export function timelinePingCount(run: Pick<RunDetailJson, 'pings' | 'pings_omitted'>): string {
  const shown = run.pings.length;
  const omitted = run.pings_omitted ?? 0;
  if (omitted === 0) return `${countText(shown)} ping${shown === 1 ? '' : 's'}`;
  return `${countText(shown)} of ${countText(shown + omitted)} pings shown`;
}

// 12641 -> "12,641": digits grouped the same way whatever the locale.
const countText = (n: number): string => n.toLocaleString('en-US');

/** The stored output tail: the payload of the run's last terminal ping. */
export function outputTail(run: RunDetailJson): { text: string; size: number; truncated: boolean } | null {
  const terminal = run.pings.filter(isTerminal).at(-1);
  if (!terminal || terminal.payload === null) return null;
  return { text: terminal.payload, size: terminal.payload_size, truncated: terminal.truncated };
}

/** The first line of a payload, shortened to `max` characters, control characters made visible. */
export function excerpt(payload: string | null, max: number): string {
  if (payload === null || payload === '') return '';
  const lines = payload.split(/\r?\n/).filter((l) => l.trim() !== '');
  const first = (lines[0] ?? '').replace(/[\u0000-\u001f\u007f]/g, '?').trim();
  const more = lines.length > 1 ? ` (+${lines.length - 1} lines)` : '';
  return first.length > max ? `${first.slice(0, max - 1)}…${more}` : `${first}${more}`;
}

function describePing(ping: PingJson, paint: Paint): string {
  const late = ping.late ? ` ${paint.yellow('(late)')}` : '';
  switch (ping.kind) {
    case 'start':
      return `${paint.cyan('start')}${late}`;
    case 'log':
      return `log ${ping.message === null ? paint.dim('(no message)') : JSON.stringify(ping.message)}${late}`;
    case 'success':
    case 'failure': {
      const ok = ping.kind === 'success' && (ping.exit_code ?? 0) === 0;
      const parts = [ok ? paint.green(ping.kind) : paint.red(ping.kind)];
      if (ping.exit_code !== null) parts.push(`exit ${ping.exit_code}`);
      if (ping.duration_ms !== null) parts.push(`took ${formatDuration(ping.duration_ms)}`);
      if (ping.message !== null) parts.push(JSON.stringify(ping.message));
      return `${parts.join(' · ')}${late}`;
    }
  }
}

function isTerminal(ping: PingJson): boolean {
  return ping.kind === 'success' || ping.kind === 'failure';
}
