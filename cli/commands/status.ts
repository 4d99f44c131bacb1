// `drumbeats status` (alias `doctor`): which collector the CLI talks to and
// where that came from, whether it answers, whether the key is accepted, and
// how many pings wait in the local spool for `drumbeats flush`.

import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { MonitorJson } from '../../shared/protocol.ts';
import { callApi } from '../api-client.ts';
import { configFilePath } from '../config-file.ts';
import { defaultSpoolDir } from '../core/client-config.ts';
import { describeFetchError } from '../core/fetch-error.ts';
import { formatDuration } from '../core/format.ts';
import { parseSpoolFileName } from '../core/ping-record.ts';
import type { Settings } from '../core/settings.ts';
import { formatWhen } from '../core/time-input.ts';
import { CliError, EXIT } from '../errors.ts';
import { openTerminal } from '../terminal.ts';

const HEALTH_TIMEOUT_MS = 5000;

/** The `status --json` document. */
export interface StatusJson {
  version: string;
  ok: boolean;
  collector: { url: string; url_source: string; reachable: boolean; latency_ms: number | null; error: string | null };
  api_key: { source: string | null; state: 'valid' | 'invalid' | 'missing' | 'unchecked'; monitors: number | null; error: string | null };
  spool: { dir: string; exists: boolean; pings: number; bytes: number; oldest_at: string | null };
  config_file: { path: string; exists: boolean };
}

/** Checks the set-up and prints a report; exits non-zero (after the report) when something is wrong. */
export async function statusCommand(settings: Settings, opts: { json?: boolean }, version: string, env: NodeJS.ProcessEnv): Promise<void> {
  const term = await openTerminal(env);
  const report = await term.wait('Checking', checkStatus(settings, version, env));
  if (opts.json) term.out(`${JSON.stringify(report)}\n`);
  else term.out(renderStatus(report, term.paint, (ms) => formatWhen(ms, Date.now(), term.offsetAt(ms))));
  if (!report.collector.reachable) {
    const why = report.collector.error === null ? '' : ` (${report.collector.error})`;
    throw new CliError(`cannot reach the collector at ${report.collector.url}${why}: is it running? Set --url, DRUMBEATS_URL or \`drumbeats login\``, EXIT.unreachable);
  }
  if (report.api_key.state === 'missing') throw new CliError('no API key: run `drumbeats login` or set DRUMBEATS_API_KEY', EXIT.usage);
  if (report.api_key.state === 'invalid') throw new CliError('the collector refused the API key: run `drumbeats login` again', EXIT.unauthorized);
  if (report.api_key.state !== 'valid') throw new CliError(`could not check the API key: ${report.api_key.error ?? 'unknown error'}`, EXIT.failure);
}

async function checkStatus(settings: Settings, version: string, env: NodeJS.ProcessEnv): Promise<StatusJson> {
  const started = performance.now();
  let reachable = false;
  let latency: number | null = null;
  let healthError: string | null = null;
  try {
    const response = await fetch(`${settings.url}/healthz`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    await response.body?.cancel();
    latency = Math.round(performance.now() - started);
    reachable = response.ok;
    if (!response.ok) healthError = `GET /healthz answered ${response.status}`;
  } catch (error) {
    healthError = describeFetchError(error, HEALTH_TIMEOUT_MS);
  }

  let keyState: StatusJson['api_key']['state'] = settings.apiKey === null ? 'missing' : 'unchecked';
  let monitors: number | null = null;
  let keyError: string | null = null;
  if (reachable && settings.apiKey !== null) {
    try {
      monitors = (await callApi<{ monitors: MonitorJson[] }>(settings, 'GET', '/v1/monitors')).monitors.length;
      keyState = 'valid';
    } catch (error) {
      if (error instanceof CliError && error.exitCode === EXIT.unauthorized) keyState = 'invalid';
      keyError = (error as Error).message;
    }
  }

  const spoolDir = env.DRUMBEATS_SPOOL_DIR || defaultSpoolDir(env, homedir());
  const spool = inspectSpool(spoolDir);
  const configPath = configFilePath(env);
  return {
    version,
    ok: reachable && keyState === 'valid',
    collector: { url: settings.url, url_source: settings.sources.url, reachable, latency_ms: latency, error: healthError },
    api_key: { source: settings.sources.apiKey, state: keyState, monitors, error: keyError },
    spool: { dir: spoolDir, ...spool },
    config_file: { path: configPath, exists: exists(configPath) },
  };
}

// Pending pings are the spool's ping files; temp and lock files are not counted.
function inspectSpool(dir: string): Omit<StatusJson['spool'], 'dir'> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { exists: false, pings: 0, bytes: 0, oldest_at: null };
  }
  let pings = 0;
  let bytes = 0;
  let oldest: number | null = null;
  for (const name of names) {
    const parsed = parseSpoolFileName(name);
    if (!parsed) continue;
    pings += 1;
    try {
      bytes += statSync(join(dir, name)).size;
    } catch {
      continue; // delivered by a flush while we looked
    }
    const created = Number(parsed.sortKey.slice(0, 15));
    if (Number.isFinite(created) && (oldest === null || created < oldest)) oldest = created;
  }
  return { exists: true, pings, bytes, oldest_at: oldest === null ? null : new Date(oldest).toISOString() };
}

function renderStatus(r: StatusJson, paint: { green(t: string): string; red(t: string): string; yellow(t: string): string; dim(t: string): string }, when: (ms: number) => string): string {
  const ok = (text: string) => `${paint.green('✔')} ${text}`;
  const bad = (text: string) => `${paint.red('✘')} ${text}`;
  const warn = (text: string) => `${paint.yellow('!')} ${text}`;
  const lines = [
    `drumbeats ${r.version}`,
    '',
    `Collector  ${r.collector.url} ${paint.dim(`(from ${r.collector.url_source})`)}`,
    r.collector.reachable
      ? ok(`reachable, answered in ${formatDuration(r.collector.latency_ms)}`)
      : bad(`not reachable (${r.collector.error ?? 'no answer'})`),
  ];
  switch (r.api_key.state) {
    case 'valid':
      lines.push(ok(`API key accepted ${paint.dim(`(from ${r.api_key.source})`)}: ${r.api_key.monitors} monitor${r.api_key.monitors === 1 ? '' : 's'}`));
      break;
    case 'invalid':
      lines.push(bad(`API key refused ${paint.dim(`(from ${r.api_key.source})`)}: run \`drumbeats login\``));
      break;
    case 'missing':
      lines.push(bad('no API key: run `drumbeats login` or set DRUMBEATS_API_KEY'));
      break;
    case 'unchecked':
      lines.push(warn(`API key not checked${r.api_key.error ? ` (${r.api_key.error})` : ' (collector not reachable)'}`));
      break;
  }
  lines.push('', `Spool      ${r.spool.dir}`);
  if (!r.spool.exists || r.spool.pings === 0) lines.push(ok('empty: every ping was delivered'));
  else {
    const oldest = r.spool.oldest_at === null ? '' : `, oldest ${when(Date.parse(r.spool.oldest_at))}`;
    lines.push(warn(`${r.spool.pings} ping${r.spool.pings === 1 ? '' : 's'} waiting (${r.spool.bytes} bytes${oldest}): run \`drumbeats flush\``));
  }
  lines.push('', `Config     ${r.config_file.path} ${paint.dim(r.config_file.exists ? '' : '(none yet)')}`.trimEnd());
  return `${lines.join('\n')}\n`;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
