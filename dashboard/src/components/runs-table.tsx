// The runs of a monitor, newest first, older pages on demand; each run links
// to its timeline.

import { useState } from 'preact/hooks';
import type { RunJson, RunListJson } from '../../../shared/protocol.ts';
import { api, query } from '../api.ts';
import { formatDateTime, formatDuration } from '../core/time.ts';
import { href } from '../router.ts';
import { useData } from '../use-data.ts';
import { EventChip, StatusBadge } from './badges.tsx';

const PAGE = 25;

/** A monitor's runs table with paging. */
export function RunsTable({ monitorId }: { monitorId: string }) {
  const data = useData(`runs:${monitorId}`, () => api<RunListJson>('GET', `/v1/runs${query({ monitor: monitorId, limit: PAGE })}`), 15_000);
  const [older, setOlder] = useState<{ runs: RunJson[]; cursor: string | null } | null>(null);
  if (!data.value) return <p class="muted">{data.error ?? 'Loading…'}</p>;
  const runs = [...data.value.runs, ...(older?.runs ?? [])];
  if (runs.length === 0) return <p class="empty">No runs yet.</p>;
  const cursor = older ? older.cursor : data.value.next_cursor;
  const loadMore = async () => {
    if (!cursor) return;
    const next = await api<RunListJson>('GET', `/v1/runs${query({ monitor: monitorId, limit: PAGE, cursor })}`);
    setOlder({ runs: [...(older?.runs ?? []), ...next.runs], cursor: next.next_cursor });
  };
  return (
    <>
      <table class="runs" data-testid="runs-table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Status</th>
            <th>Started</th>
            <th class="num">Duration</th>
            <th class="num">Exit</th>
            <th>Events</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <RunRow key={run.run_id} run={run} monitorId={monitorId} />
          ))}
        </tbody>
      </table>
      {cursor && (
        <button type="button" class="secondary more" onClick={loadMore}>
          Older runs
        </button>
      )}
    </>
  );
}

function RunRow({ run, monitorId }: { run: RunJson; monitorId: string }) {
  return (
    <tr>
      <td class="mono small">
        <a href={href({ view: 'run', monitorId, runId: run.run_id })}>{run.run_id}</a>
      </td>
      <td>
        <StatusBadge status={run.status} />
        {run.failure_reason && <span class="muted small"> {run.failure_reason}</span>}
      </td>
      <td class="nowrap">{run.started_at ? formatDateTime(Date.parse(run.started_at)) : '—'}</td>
      <td class="num">{formatDuration(run.duration_ms)}</td>
      <td class="num">{run.exit_code ?? '—'}</td>
      <td>
        {run.events.map((e) => (
          <EventChip key={e.type} event={e} />
        ))}
      </td>
    </tr>
  );
}
