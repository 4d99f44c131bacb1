// A monitor's page: Ping Analytics, Stats & thresholds, Runs, Ping history.

import { useState } from 'preact/hooks';
import type { AnalyticsJson, AnalyticsRange, MonitorJson, MonitorStatsJson } from '../../../shared/protocol.ts';
import { api, query } from '../api.ts';
import { AnalyticsChart } from '../components/analytics-chart.tsx';
import { DurationHistogram } from '../components/duration-histogram.tsx';
import { PingHistory } from '../components/ping-history.tsx';
import { RunsTable } from '../components/runs-table.tsx';
import { ThresholdEditor } from '../components/threshold-editor.tsx';
import { formatCount } from '../core/count.ts';
import { densifyBuckets, formatDateTime, formatDuration, formatPercent } from '../core/time.ts';
import { href } from '../router.ts';
import { useData } from '../use-data.ts';
import { Status } from './monitors.tsx';

const RANGES: AnalyticsRange[] = ['24h', '7d', '30d'];

/** The page of one monitor (id or slug); `range` and `end` come from the link. */
export function MonitorView({ monitorId, range, end }: { monitorId: string; range?: string | undefined; end?: string | undefined }) {
  const monitor = useData(`monitor:${monitorId}`, () => api<MonitorJson>('GET', `/v1/monitors/${encodeURIComponent(monitorId)}`));
  if (!monitor.value) return <Status data={monitor} />;
  const m = monitor.value;
  return (
    <section class="monitor-page">
      <div class="page-head">
        <a href="#/" class="crumb">
          ← Monitors
        </a>
        <h1>{m.name}</h1>
        <p class="muted small">
          <span class="mono">{m.slug}</span> · ping URL <code class="ping-url">{m.ping_url}</code>
        </p>
      </div>
      <AnalyticsSection
        key={`${range ?? ''}:${end ?? ''}`}
        monitorId={m.id}
        initialRange={RANGES.find((r) => r === range) ?? '24h'}
        end={end !== undefined && !Number.isNaN(Date.parse(end)) ? end : undefined}
      />
      <StatsSection monitor={m} onChanged={monitor.reload} />
      <div class="card section">
        <h2>Runs</h2>
        <RunsTable monitorId={m.id} />
      </div>
      <div class="card section">
        <h2>Ping history</h2>
        <PingHistory monitorId={m.id} />
      </div>
    </section>
  );
}

function AnalyticsSection({ monitorId, initialRange, end }: { monitorId: string; initialRange: AnalyticsRange; end: string | undefined }) {
  const [range, setRange] = useState<AnalyticsRange>(initialRange);
  const data = useData(
    `analytics:${monitorId}:${range}:${end ?? 'now'}`,
    () => api<AnalyticsJson>('GET', `/v1/monitors/${encodeURIComponent(monitorId)}/analytics${query({ range, end })}`),
    end === undefined ? 60_000 : undefined,
  );
  const a = data.value;
  return (
    <div class="card section" data-testid="analytics">
      <div class="section-head">
        <h2>Ping Analytics</h2>
        <div class="segmented" role="group" aria-label="Range">
          {RANGES.map((r) => (
            <button key={r} type="button" class={r === range ? 'on' : ''} aria-pressed={r === range} onClick={() => setRange(r)}>
              {r}
            </button>
          ))}
        </div>
      </div>
      {a ? (
        <>
          <p class="muted small summary">
            <span data-testid="analytics-totals">
              {a.totals.success} success · {a.totals.failure + a.totals.auto_failed} failed
              {a.totals.auto_failed > 0 && ` (${a.totals.auto_failed} auto-failed by the watchdog)`} · success rate {formatPercent(a.totals.success_rate)}
            </span>{' '}
            · 30-minute buckets, local time
            {end !== undefined && (
              <>
                {' '}
                · ending {formatDateTime(Date.parse(a.to))} · <a href={href({ view: 'monitor', monitorId })}>back to now</a>
              </>
            )}
          </p>
          <AnalyticsChart buckets={densifyBuckets(a)} range={range} />
          <div class="legend small">
            <span>
              <i class="swatch success" /> success
            </span>
            <span>
              <i class="swatch failure" /> failure
            </span>
            <span>
              <i class="swatch auto" /> auto-failed (watchdog)
            </span>
          </div>
        </>
      ) : (
        <Status data={data} />
      )}
    </div>
  );
}

function StatsSection({ monitor, onChanged }: { monitor: MonitorJson; onChanged: () => void }) {
  const data = useData(`stats:${monitor.id}:${monitor.min_duration_seconds}:${monitor.max_duration_seconds}`, () =>
    api<MonitorStatsJson>('GET', `/v1/monitors/${encodeURIComponent(monitor.id)}/stats${query({ buckets: 20 })}`),
  );
  const save = async (field: 'min_duration_seconds' | 'max_duration_seconds', value: number | null) => {
    await api('PATCH', `/v1/monitors/${encodeURIComponent(monitor.id)}`, { [field]: value });
    onChanged();
  };
  const s = data.value;
  const d = s?.duration_ms ?? null;
  return (
    <div class="card section" data-testid="stats">
      <div class="section-head">
        <h2>Stats &amp; thresholds</h2>
        {s && (
          <span class="muted small">
            last {formatCount(s.runs, 'run')} · {formatPercent(s.success_rate)} success
          </span>
        )}
      </div>
      <div class="stats-grid">
        <div class="stat-cards">
          {(['min', 'avg', 'p95', 'max'] as const).map((k) => (
            <div class="stat" key={k} data-stat={k}>
              <div class="stat-label">{k === 'p95' ? 'P95' : k[0]!.toUpperCase() + k.slice(1)}</div>
              <div class="stat-value">{formatDuration(d ? d[k] : null)}</div>
            </div>
          ))}
          <ThresholdEditor label="Min duration (DURATION_LOW)" field="min_duration_seconds" seconds={monitor.min_duration_seconds} onSave={save} />
          <ThresholdEditor label="Max duration (DURATION_HIGH, watchdog)" field="max_duration_seconds" seconds={monitor.max_duration_seconds} onSave={save} />
        </div>
        <div class="histogram-box">
          <div class="stat-label">Duration distribution, {formatCount(s?.duration_ms?.count ?? 0, 'finished run')} of the newest {s?.window ?? 100}</div>
          {s ? (
            <DurationHistogram
              bins={s.histogram}
              minMs={monitor.min_duration_seconds === null ? null : monitor.min_duration_seconds * 1000}
              maxMs={monitor.max_duration_seconds === null ? null : monitor.max_duration_seconds * 1000}
            />
          ) : (
            <Status data={data} />
          )}
          {s && (s.above_max ?? 0) + (s.below_min ?? 0) > 0 && (
            <p class="small warn">
              {s.above_max ? `${s.above_max} over max` : ''}
              {s.above_max && s.below_min ? ' · ' : ''}
              {s.below_min ? `${formatCount(s.below_min, 'success', 'successes')} under min` : ''}
            </p>
          )}
        </div>
      </div>
    </div>
  );
}
