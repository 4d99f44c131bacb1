// Number formatting and the Markdown table.

/** 12345.6 -> "12,346". */
export function fmtInt(n) {
  return Math.round(n).toLocaleString('en-US');
}

/** Milliseconds, with a sensible precision. */
export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Bytes in binary units. */
export function fmtBytes(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const COLUMNS = [
  ['area', 'Area'],
  ['what', 'Measurement'],
  ['result', 'Result'],
  ['baseline', 'Baseline (same run)'],
  ['ratio', 'Ratio'],
  ['target', 'Target'],
];

/** One Markdown table of every row. */
export function markdownTable(rows) {
  const cell = (text) => String(text ?? '—').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `| ${COLUMNS.map(([, title]) => title).join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${COLUMNS.map(([key]) => cell(row[key])).join(' | ')} |`),
  ];
  return lines.join('\n');
}
