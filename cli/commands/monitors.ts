// `drumbeats monitors create|ls`.

import type { MonitorJson } from '../../shared/protocol.ts';
import type { MonitorCreateBody } from '../../shared/schemas.ts';
import { callApi, type ClientConfig } from '../api-client.ts';
import { formatDuration, formatPlainTable } from '../core/format.ts';

/** Creates a monitor and prints it (or its JSON). */
export async function monitorsCreate(
  client: ClientConfig,
  name: string,
  opts: { slug?: string; minDuration?: number; maxDuration?: number; json?: boolean },
): Promise<void> {
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
export async function monitorsList(client: ClientConfig, opts: { json?: boolean }): Promise<void> {
  const { monitors } = await callApi<{ monitors: MonitorJson[] }>(client, 'GET', '/v1/monitors');
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(monitors)}\n`);
    return;
  }
  if (monitors.length === 0) {
    process.stdout.write('No monitors yet. Create one: drumbeats monitors create "Nightly backup" --max-duration 3600\n');
    return;
  }
  const rows = monitors.map((m) => [m.slug, m.name, describeWindow(m), m.id]);
  process.stdout.write(`${formatPlainTable(['SLUG', 'NAME', 'WINDOW', 'ID'], rows)}\n`);
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
