// `drumbeats runs ls` and `drumbeats runs show`.

import type { MonitorJson, RunDetailJson, RunListJson } from '../../shared/protocol.ts';
import { callApi, type ClientConfig } from '../api-client.ts';
import { formatDuration } from '../core/format.ts';
import { describeRunStatus, outputTail, timelinePingCount, timelineRows } from '../core/run-view.ts';
import { checkTimeRange, formatWhen, parseTimeInput } from '../core/time-input.ts';
import { CliError, EXIT } from '../errors.ts';
import { openTerminal } from '../terminal.ts';

export interface RunsListOptions {
  monitor?: string;
  status?: string;
  limit: number;
  since?: string;
  before?: string;
  runId?: string;
  json?: boolean;
}

/** A `next_cursor` of the API: "<ms>.<n>". Anything else given to --before is a time. */
const CURSOR = /^\d{1,15}\.\d{1,15}$/;

/** Lists recent runs as a table (or a JSON array), newest first, one page at a time. */
export async function runsList(client: ClientConfig, opts: RunsListOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const now = Date.now();
  const offset = -new Date(now).getTimezoneOffset();
  const query = new URLSearchParams({ limit: String(opts.limit) });
  if (opts.monitor !== undefined) query.set('monitor', opts.monitor);
  if (opts.status !== undefined) query.set('status', opts.status);
  if (opts.runId !== undefined) query.set('run_id', opts.runId);
  const since = opts.since === undefined ? null : { text: opts.since, ms: parseTime('--since', opts.since, now, offset) };
  // A cursor is where the previous page ended: paging never makes the range empty.
  const before = opts.before === undefined || CURSOR.test(opts.before) ? null : { text: opts.before, ms: parseTime('--before', opts.before, now, offset) };
  const problem = checkTimeRange(since, before, now);
  if (problem !== null) throw new CliError(problem, EXIT.usage);
  if (since !== null) query.set('since', new Date(since.ms).toISOString());
  if (before !== null) query.set('before', new Date(before.ms).toISOString());
  else if (opts.before !== undefined) query.set('cursor', opts.before);
  const term = await openTerminal(env);
  const [page, { monitors }] = await term.wait(
    'Loading runs',
    Promise.all([
      callApi<RunListJson>(client, 'GET', `/v1/runs?${query}`),
      callApi<{ monitors: MonitorJson[] }>(client, 'GET', '/v1/monitors'),
    ]),
  );
  const more = page.next_cursor === null ? null : nextPageCommand(opts, page.next_cursor);
  if (opts.json) {
    term.out(`${JSON.stringify(page.runs)}\n`);
    // stdout holds exactly one JSON document; where the next page starts goes to stderr.
    if (more) process.stderr.write(`more runs: ${more}\n`);
    return;
  }
  if (page.runs.length === 0) {
    const filtered = [opts.monitor, opts.status, opts.since, opts.before].some((filter) => filter !== undefined);
    term.out(opts.runId !== undefined ? `No run "${opts.runId}".\n` : filtered ? 'No runs match these filters.\n' : 'No runs yet.\n');
    return;
  }
  const slugs = new Map(monitors.map((m) => [m.id, m.slug]));
  const { paint } = term;
  const rows = page.runs.map((run) => [
    slugs.get(run.monitor_id) ?? run.monitor_id,
    run.run_id,
    run.status === 'failed' ? paint.red(describeRunStatus(run)) : run.status === 'success' ? paint.green(run.status) : paint.cyan(run.status),
    run.started_at ? formatWhen(Date.parse(run.started_at), now, term.offsetAt(Date.parse(run.started_at))) : '—',
    formatDuration(run.duration_ms),
    run.exit_code === null ? '—' : String(run.exit_code),
    run.events.map((e) => e.type).join(',') || '—',
  ]);
  term.out(`${await term.table(['MONITOR', 'RUN ID', 'STATUS', 'STARTED', 'DURATION', 'EXIT', 'EVENTS'], rows)}\n`);
  if (more) term.out(`${paint.dim(`Older runs: ${more}`)}\n`);
}

/** Shows one run: facts, the timeline of pings and events, and the output tail. */
export async function runsShow(
  client: ClientConfig,
  runId: string,
  opts: { monitor?: string; json?: boolean },
  env: NodeJS.ProcessEnv,
): Promise<void> {
  // The run id goes in the query: as a path segment, "." and ".." would be folded away.
  const query = new URLSearchParams({ run_id: runId, ...(opts.monitor !== undefined && { monitor: opts.monitor }) });
  const term = await openTerminal(env);
  const run = await term.wait(
    'Loading run',
    callApi<RunDetailJson>(client, 'GET', `/v1/run?${query}`).catch((error: unknown) => {
      // The API's wording names its query parameter; here it is a flag.
      if (error instanceof CliError && error.apiCode === 'ambiguous_run') {
        throw new CliError(`run id "${runId}" exists in several monitors: use --monitor <id|slug>`, error.exitCode, error.apiCode);
      }
      throw error;
    }),
  );
  if (opts.json) {
    term.out(`${JSON.stringify(run)}\n`);
    return;
  }
  const monitor = await callApi<MonitorJson>(client, 'GET', `/v1/monitors/${encodeURIComponent(run.monitor_id)}`).catch(() => null);
  const { paint } = term;
  const now = Date.now();
  const when = (iso: string | null) => (iso === null ? '—' : formatWhen(Date.parse(iso), now, term.offsetAt(Date.parse(iso))));
  const status = describeRunStatus(run);
  const facts: Array<[string, string]> = [
    ['Run', paint.bold(run.run_id)],
    ['Monitor', monitor ? `${monitor.name} (${monitor.slug})` : run.monitor_id],
    ['Status', run.status === 'failed' ? paint.red(status) : run.status === 'success' ? paint.green(status) : paint.cyan(status)],
    ['Started', when(run.started_at)],
    ['Ended', when(run.ended_at)],
    ['Duration', formatDuration(run.duration_ms)],
    ['Exit code', run.exit_code === null ? '—' : String(run.exit_code)],
    ['Events', run.events.length === 0 ? 'none' : run.events.map((e) => (e.detail ? `${e.type} (${e.detail})` : e.type)).join(', ')],
  ];
  if (run.status === 'running' && run.deadline_at) facts.push(['Deadline', when(run.deadline_at)]);
  if (run.start_count > 1) facts.push(['Starts', `${run.start_count} (the job started more than once)`]);
  const label = Math.max(...facts.map(([k]) => k.length));
  term.out(`${facts.map(([k, v]) => `${`${k}:`.padEnd(label + 2)}${v}`).join('\n')}\n\n`);

  const rows = timelineRows(run, paint);
  const unusual = rows.filter((r) => r.unusual).length;
  const baseline =
    run.baseline_runs === 0 ? 'no earlier runs to compare gaps with' : `typical gaps from the ${run.baseline_runs} earlier run${run.baseline_runs === 1 ? '' : 's'}`;
  term.out(`${paint.bold('Timeline')} ${paint.dim(`(${timelinePingCount(run)}; ${baseline})`)}\n`);
  term.out(`${await term.table(['OFFSET', 'GAP', 'TYPICAL', 'STEP', 'PAYLOAD'], rows.map((r) => [r.offset, r.gap, r.typical, r.what, r.payload]))}\n`);
  if (unusual > 0) term.out(`${paint.red(`${unusual} unusual gap${unusual === 1 ? '' : 's'}`)} ${paint.dim('(more than 3× the typical gap of that step)')}\n`);

  const tail = outputTail(run);
  if (tail) {
    const kept = tail.truncated ? ` (last part kept of ${tail.size} bytes)` : '';
    term.out(`\n${paint.bold('Output tail')}${paint.dim(kept)}\n`);
    // The job's own bytes: escape sequences shown, not obeyed.
    term.out(`${tail.text.replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?').replace(/\n?$/, '\n')}`);
  }
}

function parseTime(flag: string, text: string, now: number, offset: number): number {
  const ms = parseTimeInput(text, now, offset);
  if (ms === null) {
    throw new CliError(`${flag} "${text}" is not a time: use e.g. 2h, 7d, yesterday, 2026-12-01 or 2026-12-01T08:00:00Z`, EXIT.usage);
  }
  return ms;
}

function nextPageCommand(opts: RunsListOptions, cursor: string): string {
  const parts = ['drumbeats runs ls'];
  if (opts.monitor !== undefined) parts.push(`--monitor ${opts.monitor}`);
  if (opts.status !== undefined) parts.push(`--status ${opts.status}`);
  if (opts.runId !== undefined) parts.push(`--run-id ${opts.runId}`);
  if (opts.since !== undefined) parts.push(`--since ${JSON.stringify(opts.since)}`);
  parts.push(`--limit ${opts.limit}`, `--before ${cursor}`);
  return parts.join(' ');
}
