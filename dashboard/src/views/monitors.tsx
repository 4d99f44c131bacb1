// The monitors page: every monitor's state, last run, success rate and p95
// over its last 100 runs; monitors with open events stand out.

import type { MonitorOverviewJson, OverviewJson } from '../../../shared/protocol.ts';
import { api } from '../api.ts';
import { EventChip, StateBadge } from '../components/badges.tsx';
import { formatCount } from '../core/count.ts';
import { formatDateTime, formatDuration, formatPercent, formatRelative } from '../core/time.ts';
import { href } from '../router.ts';
import { useData } from '../use-data.ts';

const REFRESH_MS = 15_000;

/** The monitors page, refreshed every 15 seconds. */
export function MonitorsView() {
  const data = useData('overview', () => api<OverviewJson>('GET', '/v1/overview'), REFRESH_MS);
  const overview = data.value;
  if (!overview) return <Status data={data} />;
  const now = Date.parse(overview.generated_at);
  const attention = overview.monitors.filter(needsAttention).length;

  return (
    <section>
      <div class="page-head">
        <h1>Monitors</h1>
        <p class="muted">
          {overview.monitors.length} monitor{overview.monitors.length === 1 ? '' : 's'}
          {attention > 0 && (
            <>
              {' · '}
              <strong class="attention-count">{attention} need attention</strong>
            </>
          )}
        </p>
      </div>
      {overview.monitors.length === 0 ? (
        <p class="empty card">
          No monitors yet. Create one with <code>drumbeats monitors create "Nightly backup" --max-duration 3600</code>.
        </p>
      ) : (
        <div class="card table-card">
          <table class="monitors" data-testid="monitors-table">
            <thead>
              <tr>
                <th>Monitor</th>
                <th>State</th>
                <th>Last run</th>
                <th class="num">Success</th>
                <th class="num">p95</th>
                <th>Open events</th>
              </tr>
            </thead>
            <tbody>
              {overview.monitors.map((m) => (
                <MonitorRow key={m.monitor.id} row={m} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function needsAttention(row: MonitorOverviewJson): boolean {
  return row.open_events.length > 0 || row.state === 'stuck' || row.state === 'failed';
}

function MonitorRow({ row, now }: { row: MonitorOverviewJson; now: number }) {
  const link = href({ view: 'monitor', monitorId: row.monitor.id });
  const lastRun = row.last_run_at === null ? null : Date.parse(row.last_run_at);
  const types = [...new Set(row.open_events.map((e) => e.type))];
  return (
    <tr class={needsAttention(row) ? 'attention' : ''} data-monitor={row.monitor.slug}>
      <td>
        <a href={link} class="monitor-name">
          {row.monitor.name}
        </a>
        <div class="muted small mono">{row.monitor.slug}</div>
      </td>
      <td>
        <StateBadge state={row.state} />
        {row.running > 0 && row.state !== 'running' && <span class="muted small"> · {row.running} running</span>}
      </td>
      <td title={lastRun === null ? undefined : formatDateTime(lastRun)}>{lastRun === null ? '—' : formatRelative(lastRun, now)}</td>
      <td class="num">
        {formatPercent(row.success_rate)}
        <div class="muted small" data-testid="runs-counted">{formatCount(row.runs_counted, 'run')}</div>
      </td>
      <td class="num">{formatDuration(row.p95_duration_ms)}</td>
      <td>
        {types.length === 0 ? (
          <span class="muted">—</span>
        ) : (
          <div class="chips">
            {types.map((type) => {
              const newest = row.open_events.find((e) => e.type === type)!;
              const count = row.open_events.filter((e) => e.type === type).length;
              return (
                <a key={type} class="chip-link" href={href({ view: 'run', monitorId: row.monitor.id, runId: newest.run_id })}>
                  <EventChip event={{ type, detail: `${count} open; newest in run ${newest.run_id}${newest.detail ? ` (${newest.detail})` : ''}` }} />
                </a>
              );
            })}
          </div>
        )}
      </td>
    </tr>
  );
}

/** Loading and error placeholder shared by the views. */
export function Status({ data }: { data: { error: string | null; loading: boolean } }) {
  if (data.error) return <p class="error card" role="alert">Could not load: {data.error}</p>;
  return <p class="muted">Loading…</p>;
}
