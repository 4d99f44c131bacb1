// A duration histogram drawn with block characters, for `monitors show`. Pure.

import { formatDuration } from './format.ts';

export interface Bucket {
  from_ms: number;
  to_ms: number;
  count: number;
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** One line per bucket: "  1.20 s – 2.40 s  ███████▍ 12"; bars scaled so the fullest is `barWidth` cells. */
export function renderHistogram(buckets: readonly Bucket[], barWidth: number): string[] {
  if (buckets.length === 0) return [];
  const labels = buckets.map((b) => `${formatDuration(b.from_ms)} – ${formatDuration(b.to_ms)}`);
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const most = Math.max(...buckets.map((b) => b.count));
  const width = Math.max(1, barWidth);
  return buckets.map((bucket, i) => {
    const eighths = most === 0 ? 0 : Math.round((bucket.count / most) * width * 8);
    // A non-empty bucket always shows at least a sliver.
    const cells = bucket.count > 0 ? Math.max(1, eighths) : 0;
    const bar = '█'.repeat(Math.floor(cells / 8)) + EIGHTHS[cells % 8];
    return `${labels[i]!.padStart(labelWidth)}  ${bar.padEnd(width)} ${bucket.count}`;
  });
}
