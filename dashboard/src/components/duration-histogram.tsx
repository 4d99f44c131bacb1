// The duration distribution of the last 100 runs, with the monitor's min and
// max thresholds drawn where they fall.

import { niceMax } from '../core/chart.ts';
import { formatDuration } from '../core/time.ts';

interface Bin {
  from_ms: number;
  to_ms: number;
  count: number;
}

const W = 520;
const H = 170;
const PAD = { top: 10, right: 10, bottom: 30, left: 30 };

/** Bars of run counts per duration bin, with the min/max thresholds marked. */
export function DurationHistogram({ bins, minMs, maxMs }: { bins: Bin[]; minMs: number | null; maxMs: number | null }) {
  if (bins.length === 0) return <p class="muted">No finished runs with a duration yet.</p>;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const lo = bins[0]!.from_ms;
  const hi = bins.at(-1)!.to_ms;
  const span = Math.max(1, hi - lo);
  const yMax = niceMax(Math.max(...bins.map((b) => b.count)));
  const slot = plotW / bins.length;
  const xOf = (ms: number) => ((ms - lo) / span) * plotW;
  const markers = [
    { ms: minMs, label: 'min', cls: 'threshold-min' },
    { ms: maxMs, label: 'max', cls: 'threshold-max' },
  ].filter((m): m is { ms: number; label: string; cls: string } => m.ms !== null && m.ms >= lo && m.ms <= hi);

  return (
    <svg class="histogram" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Duration distribution" data-testid="duration-histogram">
      <g transform={`translate(${PAD.left},${PAD.top})`}>
        <text class="axis-label" x={-6} y={0} dy="0.7em" text-anchor="end">
          {yMax}
        </text>
        <text class="axis-label" x={-6} y={plotH} text-anchor="end">
          0
        </text>
        {bins.map((b, i) => {
          const h = (b.count / yMax) * plotH;
          return (
            <rect
              key={i}
              class="hist-bar"
              data-count={b.count}
              x={i * slot + 1}
              width={Math.max(1, slot - 2)}
              y={plotH - h}
              height={h}
            >
              <title>
                {formatDuration(b.from_ms)}–{formatDuration(b.to_ms)}: {b.count} run{b.count === 1 ? '' : 's'}
              </title>
            </rect>
          );
        })}
        {markers.map((m) => (
          <g key={m.label} class={m.cls}>
            <line x1={xOf(m.ms)} x2={xOf(m.ms)} y1={-4} y2={plotH} />
            <text x={xOf(m.ms) + 3} y={4}>
              {m.label}
            </text>
          </g>
        ))}
        <line class="baseline" x1={0} x2={plotW} y1={plotH} y2={plotH} />
        <text class="axis-label" x={0} y={plotH + 18}>
          {formatDuration(lo)}
        </text>
        <text class="axis-label" x={plotW} y={plotH + 18} text-anchor="end">
          {formatDuration(hi)}
        </text>
      </g>
    </svg>
  );
}
