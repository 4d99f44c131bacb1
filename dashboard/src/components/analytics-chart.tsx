// Ping Analytics: one stacked bar per 30-minute bucket (success below,
// failures and auto-failed runs on top), labelled in local time. Hovering
// anywhere over a bucket shows its counts, success rate and average duration.
// Drawn as SVG so each bar is an element carrying its own numbers.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { AnalyticsRange } from '../../../shared/protocol.ts';
import { gridValues, niceMax, slotAtPointer, spreadTicks, stackHeights } from '../core/chart.ts';
import { axisTicks, formatBucketSpan, formatDuration, formatPercent, type ChartBucket } from '../core/time.ts';

const HEIGHT = 240;
const PAD = { top: 12, right: 12, bottom: 28, left: 40 };

/** The stacked-bar chart of a monitor's buckets, with its hover tooltip. */
export function AnalyticsChart({ buckets, range }: { buckets: ChartBucket[]; range: AnalyticsRange }) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(900);
  const [hover, setHover] = useState<number | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(320, el.clientWidth)));
    observer.observe(el);
    setWidth(Math.max(320, el.clientWidth));
    return () => observer.disconnect();
  }, []);

  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, buckets.length);
  const barW = Math.max(1, slot * (slot > 6 ? 0.72 : 0.9));
  const yMax = niceMax(Math.max(0, ...buckets.map((b) => b.success + b.failure + b.autoFailed)));
  const ticks = spreadTicks(
    axisTicks(
      buckets.map((b) => b.start),
      range,
    ).map((t) => ({ ...t, x: t.index * slot })),
    72,
  );

  const counts = buckets.map((b) => b.success + b.failure + b.autoFailed + b.starts + b.logs);
  const onMove = (event: MouseEvent) => {
    const svg = event.currentTarget as SVGSVGElement;
    const x = event.clientX - svg.getBoundingClientRect().left - PAD.left;
    setHover(slotAtPointer(x, slot, counts));
  };
  const hovered = hover === null ? null : buckets[hover];

  return (
    <div class="chart" ref={box}>
      <svg
        width={width}
        height={HEIGHT}
        role="img"
        aria-label="Pings per 30-minute bucket"
        data-testid="analytics-chart"
        data-y-max={yMax}
        data-plot-height={plotH}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
      >
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {gridValues(yMax).map((v) => {
            const y = plotH - (v / yMax) * plotH;
            return (
              <g key={v} class="grid">
                <line x1={0} x2={plotW} y1={y} y2={y} />
                <text x={-6} y={y} dy="0.32em" text-anchor="end">
                  {v}
                </text>
              </g>
            );
          })}
          {ticks.map((t) => (
            <g key={t.index} class={t.major ? 'tick major' : 'tick'} transform={`translate(${t.x},0)`}>
              <line y1={0} y2={plotH + 4} />
              <text y={plotH + 16} x={2}>
                {t.label}
              </text>
            </g>
          ))}
          {hover !== null && <rect class="hover-band" x={hover * slot} y={0} width={slot} height={plotH} />}
          {buckets.map((b, i) => {
            const total = b.success + b.failure + b.autoFailed;
            if (total === 0) return null;
            const [hs, hf, ha] = stackHeights([b.success, b.failure, b.autoFailed], yMax, plotH) as [number, number, number];
            const x = i * slot + (slot - barW) / 2;
            return (
              <g
                key={b.start}
                class="bar"
                data-start={new Date(b.start).toISOString()}
                data-success={b.success}
                data-failure={b.failure}
                data-auto-failed={b.autoFailed}
              >
                <rect class="seg-success" x={x} width={barW} y={plotH - hs} height={hs} />
                <rect class="seg-failure" x={x} width={barW} y={plotH - hs - hf} height={hf} />
                <rect class="seg-auto" x={x} width={barW} y={plotH - hs - hf - ha} height={ha} />
              </g>
            );
          })}
          <line class="baseline" x1={0} x2={plotW} y1={plotH} y2={plotH} />
        </g>
      </svg>
      {hovered && hover !== null && (
        <div
          class="tooltip"
          role="tooltip"
          data-testid="chart-tooltip"
          style={{ left: `${tooltipLeft(PAD.left + hover * slot, slot, width)}px` }}
        >
          <div class="tooltip-title">{formatBucketSpan(hovered.start)}</div>
          {hovered.success + hovered.failure + hovered.autoFailed + hovered.starts + hovered.logs === 0 ? (
            <div class="muted">No pings</div>
          ) : (
            <dl>
              <dt>
                <i class="swatch success" /> Success
              </dt>
              <dd data-field="success">{hovered.success}</dd>
              <dt>
                <i class="swatch failure" /> Failure
              </dt>
              <dd data-field="failure">{hovered.failure + hovered.autoFailed}</dd>
              {hovered.autoFailed > 0 && (
                <>
                  <dt>
                    <i class="swatch auto" /> of which auto-failed
                  </dt>
                  <dd data-field="auto-failed">{hovered.autoFailed}</dd>
                </>
              )}
              <dt>Success rate</dt>
              <dd data-field="success-rate">{formatPercent(hovered.successRate)}</dd>
              <dt>Avg duration</dt>
              <dd data-field="avg-duration">{formatDuration(hovered.avgDurationMs)}</dd>
              <dt>Starts · logs</dt>
              <dd>
                {hovered.starts} · {hovered.logs}
              </dd>
            </dl>
          )}
        </div>
      )}
    </div>
  );
}

const TOOLTIP_WIDTH = 220;

// Beside the hovered bucket, never over it: to the right, or to the left near the edge.
function tooltipLeft(bucketX: number, slot: number, width: number): number {
  const right = bucketX + slot + 12;
  return right + TOOLTIP_WIDTH <= width ? right : Math.max(0, bucketX - 12 - TOOLTIP_WIDTH);
}
