// `drumbeats monitors ls|show|create|update|rm`.

import { createInterface } from 'node:readline/promises';
import type { MonitorJson, MonitorStatsJson } from '../../shared/protocol.ts';
import type { MonitorCreateBody, MonitorUpdateBody } from '../../shared/schemas.ts';
import { callApi, type ClientConfig } from '../api-client.ts';
import { formatDuration } from '../core/format.ts';
import { renderHistogram } from '../core/histogram.ts';
import { checkMonitorInput } from '../core/monitor-input.ts';
import { formatWhen } from '../core/time-input.ts';
import { CliError, EXIT } from '../errors.ts';
import { openTerminal } from '../terminal.ts';

/** Creates a monitor and prints it (or its JSON). */
export async function monitorsCreate(
  client: ClientConfig,
  name: string,
  opts: { slug?: string; minDuration?: number; maxDuration?: number; json?: boolean },
): Promise<void> {
  const problem = checkMonitorInput({ name, slug: opts.slug, minDuration: opts.minDuration, maxDuration: opts.maxDuration });
  if (problem !== null) throw new CliError(problem, EXIT.usage);
  const body: MonitorCreateBody = {
    name,
    ...(opts.slug !== undefined && { slug: opts.slug }),
    ...(opts.minDuration !== undefined && { min_duration_seconds: opts.minDuration }),
    ...(opts.maxDuration !== undefined && { max_duration_seconds: opts.maxDuration }),
  };
  const monitor = await callApi<MonitorJson>(client, 'POST', '/v1/monitors', body);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(monitor)}\n`);
    return;
  }
  process.stdout.write(
    [
      `Created monitor "${monitor.name}"`,
      `  id:        ${monitor.id}`,
      `  slug:      ${monitor.slug}`,
      `  window:    ${describeWindow(monitor)}`,
      `  ping URL:  ${monitor.ping_url}`,
      '',
      'Wrap a command:',
      `  drumbeats run --monitor ${monitor.slug} -- <command>`,
      'Or ping from any script:',
      `  curl -fsS "${monitor.ping_url}/start?run_id=$RUN_ID"`,
      `  curl -fsS "${monitor.ping_url}/success?run_id=$RUN_ID"`,
      '',
    ].join('\n'),
  );
}

/** Lists monitors as a table (or a JSON array). */
export async function monitorsList(client: ClientConfig, opts: { json?: boolean }, env: NodeJS.ProcessEnv): Promise<void> {
  const term = await openTerminal(env);
  const { monitors } = await term.wait('Loading monitors', callApi<{ monitors: MonitorJson[] }>(client, 'GET', '/v1/monitors'));
  if (opts.json) {
    term.out(`${JSON.stringify(monitors)}\n`);
    return;
  }
  if (monitors.length === 0) {
    term.out('No monitors yet. Create one: drumbeats monitors create "Nightly backup" --max-duration 3600\n');
    return;
  }
  // Names stored before control characters were refused must not break a row.
  const rows = monitors.map((m) => [m.slug, m.name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' '), describeWindow(m), m.id]);
  term.out(`${await term.table(['SLUG', 'NAME', 'WINDOW', 'ID'], rows)}\n`);
}

/** Shows a monitor with statistics over its latest runs and a duration histogram. */
export async function monitorsShow(
  client: ClientConfig,
  idOrSlug: string,
  opts: { runs: number; json?: boolean },
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const term = await openTerminal(env);
  const id = encodeURIComponent(idOrSlug);
  const [monitor, stats] = await term.wait(
    'Loading monitor',
    Promise.all([
      callApi<MonitorJson>(client, 'GET', `/v1/monitors/${id}`),
      callApi<MonitorStatsJson>(client, 'GET', `/v1/monitors/${id}/stats?runs=${opts.runs}`),
    ]),
  );
  if (opts.json) {
    term.out(`${JSON.stringify({ monitor, stats })}\n`);
    return;
  }
  const { paint } = term;
  const now = Date.now();
  const when = (iso: string | null) => (iso === null ? '—' : formatWhen(Date.parse(iso), now, term.offsetAt(Date.parse(iso))));
  const rate = stats.success_rate === null ? '—' : `${(stats.success_rate * 100).toFixed(1)}%`;
  const d = stats.duration_ms;
  const facts: Array<[string, string]> = [
    ['Monitor', `${paint.bold(monitor.name)} (${monitor.slug})`],
    ['ID', monitor.id],
    ['Ping URL', monitor.ping_url],
    ['Created', when(monitor.created_at)],
    ['Thresholds', describeWindow(monitor)],
    ['', ''],
    ['Runs', `${stats.runs < stats.window ? `${stats.runs} run${stats.runs === 1 ? '' : 's'}` : `the newest ${stats.window}`} (${stats.success} succeeded, ${stats.failed} failed, ${stats.running} running)`],
    ['Success rate', stats.success_rate === null ? rate : stats.success_rate >= 0.99 ? paint.green(rate) : stats.success_rate >= 0.9 ? paint.yellow(rate) : paint.red(rate)],
    ['Duration', d === null ? '—' : `min ${formatDuration(d.min)} · avg ${formatDuration(d.avg)} · p95 ${formatDuration(d.p95)} · max ${formatDuration(d.max)}`],
  ];
  if (stats.above_max !== null) facts.push(['Over max', `${stats.above_max} run${stats.above_max === 1 ? '' : 's'}`]);
  if (stats.below_min !== null) facts.push(['Under min', `${stats.below_min} successful run${stats.below_min === 1 ? '' : 's'}`]);
  if (stats.runs > 0) facts.push(['Period', `${when(stats.first_started_at)} → ${when(stats.last_started_at)}`]);
  const label = Math.max(...facts.map(([k]) => k.length));
  term.out(`${facts.map(([k, v]) => (k === '' ? '' : `${`${k}:`.padEnd(label + 2)}${v}`)).join('\n')}\n`);
  if (stats.histogram.length > 0) {
    const barWidth = Math.max(10, Math.min(40, term.columns - 40));
    term.out(`\n${paint.bold('Durations')} ${paint.dim(`(${d?.count ?? 0} finished run${d?.count === 1 ? '' : 's'})`)}\n`);
    term.out(`${renderHistogram(stats.histogram, barWidth).map((line) => `  ${line}`).join('\n')}\n`);
  }
}

/** Changes a monitor's name, slug or thresholds; `none` clears a threshold. */
export async function monitorsUpdate(
  client: ClientConfig,
  idOrSlug: string,
  opts: { name?: string; slug?: string; minDuration?: number | null; maxDuration?: number | null; json?: boolean },
): Promise<void> {
  const body: MonitorUpdateBody = {
    ...(opts.name !== undefined && { name: opts.name }),
    ...(opts.slug !== undefined && { slug: opts.slug }),
    ...(opts.minDuration !== undefined && { min_duration_seconds: opts.minDuration }),
    ...(opts.maxDuration !== undefined && { max_duration_seconds: opts.maxDuration }),
  };
  if (Object.keys(body).length === 0) {
    throw new CliError('nothing to change: pass --name, --slug, --min-duration or --max-duration', EXIT.usage);
  }
  const input = { name: opts.name, slug: opts.slug, minDuration: opts.minDuration, maxDuration: opts.maxDuration };
  let problem = checkMonitorInput(input);
  // One threshold alone is compared with the other one as stored.
  const alone = (given: number | null | undefined, other: number | null | undefined) => given != null && other === undefined;
  if (problem === null && (alone(opts.minDuration, opts.maxDuration) || alone(opts.maxDuration, opts.minDuration))) {
    const current = await callApi<MonitorJson>(client, 'GET', `/v1/monitors/${encodeURIComponent(idOrSlug)}`);
    problem = checkMonitorInput(input, { minDuration: current.min_duration_seconds, maxDuration: current.max_duration_seconds });
  }
  if (problem !== null) throw new CliError(problem, EXIT.usage);
  const monitor = await callApi<MonitorJson>(client, 'PATCH', `/v1/monitors/${encodeURIComponent(idOrSlug)}`, body);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(monitor)}\n`);
    return;
  }
  process.stdout.write(`Updated monitor "${monitor.name}" (${monitor.slug}): ${describeWindow(monitor)}\n`);
}

/** Deletes a monitor with all its runs and pings, after confirmation unless --yes. */
export async function monitorsRemove(client: ClientConfig, idOrSlug: string, opts: { yes?: boolean }): Promise<void> {
  const monitor = await callApi<MonitorJson>(client, 'GET', `/v1/monitors/${encodeURIComponent(idOrSlug)}`);
  if (!opts.yes) {
    if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) {
      throw new CliError(`deleting "${monitor.slug}" removes all its runs and pings: pass --yes to confirm`, EXIT.usage);
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Delete monitor "${monitor.name}" (${monitor.slug}) with all its runs and pings? Type its slug to confirm: `);
    rl.close();
    if (answer.trim() !== monitor.slug) throw new CliError('not deleted: the slug did not match', EXIT.failure);
  }
  await callApi<undefined>(client, 'DELETE', `/v1/monitors/${encodeURIComponent(monitor.id)}`);
  process.stdout.write(`Deleted monitor "${monitor.name}" (${monitor.slug}).\n`);
}

function describeWindow(monitor: MonitorJson): string {
  const min = monitor.min_duration_seconds;
  const max = monitor.max_duration_seconds;
  if (min === null && max === null) return 'no thresholds (no watchdog)';
  const parts = [];
  if (min !== null) parts.push(`min ${formatDuration(min * 1000)}`);
  if (max !== null) parts.push(`max ${formatDuration(max * 1000)}`);
  return parts.join(', ');
}
