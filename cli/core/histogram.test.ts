import { expect, test } from 'vitest';
import { renderHistogram } from './histogram.ts';

test('bars are scaled to the fullest bucket, labels aligned, counts shown', () => {
  expect(
    renderHistogram(
      [
        { from_ms: 500, to_ms: 1000, count: 4 },
        { from_ms: 1000, to_ms: 1500, count: 1 },
        { from_ms: 1500, to_ms: 2000, count: 0 },
        { from_ms: 2000, to_ms: 65_000, count: 2 },
      ],
      8,
    ),
  ).toEqual([
    '500 ms – 1.00 s  ████████ 4',
    '1.00 s – 1.50 s  ██       1',
    '1.50 s – 2.00 s           0',
    '2.00 s – 1m 05s  ████     2',
  ]);
});

test('a tiny share still shows a sliver; eighths of a cell are drawn', () => {
  const lines = renderHistogram(
    [
      { from_ms: 0, to_ms: 10, count: 100 },
      { from_ms: 10, to_ms: 20, count: 1 },
      { from_ms: 20, to_ms: 30, count: 53 },
    ],
    4,
  );
  expect(lines[1]).toBe('10 ms – 20 ms  ▏    1');
  expect(lines[2]).toBe('20 ms – 30 ms  ██▏  53');
});

test('nothing to draw', () => {
  expect(renderHistogram([], 10)).toEqual([]);
});
