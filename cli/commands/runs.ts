// `drumbeats runs ls`.

import type { MonitorJson, RunJson, RunListJson } from '../../shared/protocol.ts';
import { callApi, type ClientConfig } from '../api-client.ts';
import { formatDuration, formatPlainTable, formatRelative } from '../core/format.ts';

export interface RunsListOptions {
  monitor?: string;
  status?: string;
  limit: number;
  json?: boolean;
}

/** Lists recent runs as a table (or a JSON array). */
export async function runsList(client: ClientConfig, opts: RunsListOptions): Promise<void> {
  const query = new URLSearchParams({ limit: String(opts.limit) });
  if (opts.monitor !== undefined) query.set('monitor', opts.monitor);
  if (opts.status !== undefined) query.set('status', opts.status);
  const [{ runs }, { monitors }] = await Promise.all([
    callApi<RunListJson>(client, 'GET', `/v1/runs?${query}`),
    callApi<{ monitors: MonitorJson[] }>(client, 'GET', '/v1/monitors'),
  ]);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(runs)}\n`);
    return;
  }
  if (runs.length === 0) {
    process.stdout.write('No runs yet.\n');
    return;
  }
  const slugs = new Map(monitors.map((m) => [m.id, m.slug]));
  const now = Date.now();
  const rows = runs.map((run) => [
    slugs.get(run.monitor_id) ?? run.monitor_id,
    run.run_id,
    describeStatus(run),
    run.started_at ? formatRelative(Date.parse(run.started_at), now) : '—',
    formatDuration(run.duration_ms),
    run.exit_code === null ? '—' : String(run.exit_code),
    run.events.map((e) => e.type).join(',') || '—',
  ]);
  process.stdout.write(`${formatPlainTable(['MONITOR', 'RUN ID', 'STATUS', 'STARTED', 'DURATION', 'EXIT', 'EVENTS'], rows)}\n`);
}

function describeStatus(run: RunJson): string {
  if (run.status !== 'failed' || run.failure_reason === null) return run.status;
  return `failed (${run.failure_reason === 'signal' && run.signal ? run.signal : run.failure_reason})`;
}
