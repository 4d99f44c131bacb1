// A run's timeline: its pings on a time axis, each /log step with the gap
// since the previous ping and the typical gap of that step in earlier runs
// (computed by the collector), unusual gaps highlighted; then events, exit
// code and the output tail the terminal ping carried.

import { useEffect, useState } from 'preact/hooks';
import type { PingJson, RunDetailJson, RunStepJson } from '../../../shared/protocol.ts';
import { api, query } from '../api.ts';
import { EventChip, StatusBadge } from '../components/badges.tsx';
import { formatCount } from '../core/count.ts';
import { formatDateTime, formatDuration } from '../core/time.ts';
import { href } from '../router.ts';
import { useData } from '../use-data.ts';
import { Status } from './monitors.tsx';

const RUN_REFRESH_MS = 5_000;

/** The page of one run: facts, timeline, output tail and pings. */
export function RunView({ monitorId, runId }: { monitorId: string; runId: string }) {
  // Only a running run changes: a finished one is not asked for again (its timeline reads earlier runs too).
  const [running, setRunning] = useState(true);
  const data = useData(`run:${monitorId}:${runId}`, () =>
    // In the query, not the path: run ids "." and ".." would be folded out of a path.
    api<RunDetailJson>('GET', `/v1/run${query({ run_id: runId, monitor: monitorId })}`),
    // Left open on a running run, the page shows its next steps and its end without a reload.
    running ? RUN_REFRESH_MS : undefined,
  );
  const status = data.value?.status;
  useEffect(() => setRunning(status === undefined || status === 'running'), [status]);
  const run = data.value;
  if (!run) return <Status data={data} />;
  const terminal = [...run.pings].reverse().find((p) => p.kind === 'success' || p.kind === 'failure');
  // A run the watchdog closed has no terminal ping: its end is a step of the timeline all the same.
  const firstAt = run.pings[0] ? Date.parse(run.pings[0].received_at) : null;
  const lastAt = run.pings.length > 0 ? Date.parse(run.pings.at(-1)!.received_at) : null;
  const watchdogEnd = run.failure_reason === 'watchdog' && run.ended_at ? Date.parse(run.ended_at) : null;
  const steps = run.timeline ?? [];
  // A very long run: the collector sends its first and last pings and says how many it left out, and where.
  const omitted = run.pings_omitted ?? 0;
  const omittedAt = omitted > 0 ? (run.pings_omitted_at ?? null) : null;
  const notShown = (
    <span data-testid="pings-omitted">… {formatCount(omitted, 'ping')} not shown …</span>
  );

  return (
    <section class="run-page">
      <div class="page-head">
        <a href={href({ view: 'monitor', monitorId })} class="crumb">
          ← Monitor
        </a>
        <h1 class="mono">{run.run_id}</h1>
        <div class="run-facts">
          <StatusBadge status={run.status} />
          {run.failure_reason && <span class="fact">reason {run.signal ?? run.failure_reason}</span>}
          <span class="fact">started {run.started_at ? formatDateTime(Date.parse(run.started_at)) : '—'}</span>
          <span class="fact">ended {run.ended_at ? formatDateTime(Date.parse(run.ended_at)) : run.status === 'running' ? 'not yet' : '—'}</span>
          {run.status === 'running' && run.deadline_at && <span class="fact">watchdog at {formatDateTime(Date.parse(run.deadline_at))}</span>}
          <span class="fact">duration {formatDuration(run.duration_ms)}</span>
          <span class="fact">exit code {run.exit_code ?? '—'}</span>
          {run.start_count > 1 && <span class="fact">{run.start_count} starts</span>}
          {run.delivered_late && <span class="fact">delivered late</span>}
          {run.events.map((e) => (
            <EventChip key={e.type} event={e} />
          ))}
        </div>
      </div>

      <div class="card section">
        <div class="section-head">
          <h2>Timeline</h2>
          <span class="muted small">
            {omitted > 0 ? `${run.pings.length.toLocaleString('en-US')} of ${formatCount(run.pings.length + omitted, 'ping')} shown` : formatCount(run.pings.length, 'ping')}
            {run.baseline_runs ? ` · typical gaps from ${formatCount(run.baseline_runs, 'earlier run')}` : ''}
          </span>
        </div>
        <TimelineAxis pings={run.pings} steps={steps} />
        <table class="steps" data-testid="timeline-steps">
          <thead>
            <tr>
              <th>#</th>
              <th>Step</th>
              <th class="num">At</th>
              <th class="num">Gap</th>
              <th class="num">Typical</th>
              <th>Received</th>
            </tr>
          </thead>
          <tbody>
            {run.pings.map((ping, i) => {
              const step = steps[i];
              const row = (
                <tr key={ping.ping_id} class={step?.unusual ? 'unusual' : ''} data-kind={ping.kind}>
                  <td class="muted">{omittedAt !== null && i >= omittedAt ? i + 1 + omitted : i + 1}</td>
                  <td>
                    <span class={`kind kind-${ping.kind}`}>{ping.kind}</span> <span class="step-name">{step?.step ?? ping.message ?? ''}</span>
                    {step?.unusual && <span class="chip unusual-chip">unusual gap</span>}
                  </td>
                  <td class="num">+{formatDuration(step?.offset_ms ?? 0)}</td>
                  <td class="num gap">{step?.gap_ms == null ? '—' : formatDuration(step.gap_ms)}</td>
                  <td class="num muted">{step?.typical_gap_ms == null ? '—' : formatDuration(step.typical_gap_ms)}</td>
                  <td class="nowrap small">{formatDateTime(Date.parse(ping.received_at))}</td>
                </tr>
              );
              return i === omittedAt ? [
                <tr key="omitted" class="omitted">
                  <td colSpan={6} class="muted">{notShown}</td>
                </tr>,
                row,
              ] : row;
            })}
            {watchdogEnd !== null && (
              <tr class="watchdog-end" data-kind="watchdog">
                <td class="muted">—</td>
                <td>
                  <span class="kind kind-failure">failed</span> <span class="step-name">closed by the watchdog: no terminal ping within the monitor's max duration</span>
                </td>
                <td class="num">+{formatDuration(firstAt === null ? 0 : watchdogEnd - firstAt)}</td>
                <td class="num gap">{lastAt === null ? '—' : formatDuration(watchdogEnd - lastAt)}</td>
                <td class="num muted">—</td>
                <td class="nowrap small">{formatDateTime(watchdogEnd)}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      {terminal?.payload != null && (
        <div class="card section">
          <h2>Output tail</h2>
          <pre class="payload output" data-testid="output-tail">
            {terminal.payload}
          </pre>
        </div>
      )}

      <div class="card section">
        <h2>Pings and payloads</h2>
        {run.pings.map((p, i) => (
          <div class="ping-detail" key={p.ping_id}>
            {i === omittedAt && <p class="muted small">{notShown}</p>}
            <div class="small">
              <span class={`kind kind-${p.kind}`}>{p.kind}</span> {formatDateTime(Date.parse(p.received_at))}
              {p.message !== null && <span class="message"> {p.message}</span>}
            </div>
            {p.payload !== null && <pre class="payload">{p.payload}</pre>}
          </div>
        ))}
      </div>
    </section>
  );
}

const W = 900;
const H = 86;
const PAD = 24;

// Pings as markers on one axis from the run's first ping to its last.
function TimelineAxis({ pings, steps }: { pings: PingJson[]; steps: RunStepJson[] }) {
  if (pings.length === 0) return null;
  const offsets = pings.map((p, i) => steps[i]?.offset_ms ?? Date.parse(p.received_at) - Date.parse(pings[0]!.received_at));
  const lo = Math.min(0, ...offsets);
  const hi = Math.max(1, ...offsets);
  const x = (ms: number) => PAD + ((ms - lo) / (hi - lo)) * (W - 2 * PAD);
  return (
    <svg class="timeline" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Pings on a time axis" data-testid="timeline-axis">
      <line class="axis" x1={PAD} x2={W - PAD} y1={40} y2={40} />
      {pings.map((p, i) => {
        if (i === 0) return null;
        const step = steps[i];
        return (
          <line
            key={`gap-${p.ping_id}`}
            class={step?.unusual ? 'gap-seg unusual' : 'gap-seg'}
            x1={x(offsets[i - 1]!)}
            x2={x(offsets[i]!)}
            y1={40}
            y2={40}
          />
        );
      })}
      {pings.map((p, i) => (
        <g key={p.ping_id} class={`marker kind-${p.kind}`} transform={`translate(${x(offsets[i]!)},40)`}>
          <circle r={6} />
          <title>
            {p.kind}
            {p.message ? `: ${p.message}` : ''} (+{formatDuration(offsets[i]!)})
          </title>
        </g>
      ))}
      <text class="axis-label" x={PAD} y={72}>
        0
      </text>
      <text class="axis-label" x={W - PAD} y={72} text-anchor="end">
        +{formatDuration(hi - lo)}
      </text>
    </svg>
  );
}
