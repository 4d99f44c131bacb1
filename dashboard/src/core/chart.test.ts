import { expect, test } from 'vitest';
import { gridValues, niceMax, stackHeights } from './chart.ts';

test.each([
  [0, 1],
  [1, 1],
  [3, 5],
  [7, 10],
  [11, 20],
  [24, 25],
  [26, 50],
  [480, 500],
  [1001, 2000],
])('niceMax(%i) = %i', (max, nice) => {
  expect(niceMax(max)).toBe(nice);
});

test('stackHeights scales each segment to the axis', () => {
  expect(stackHeights([5, 2, 0], 10, 200)).toEqual([100, 40, 0]);
  expect(stackHeights([1], 0, 200)).toEqual([0]);
});

test('gridValues', () => {
  expect(gridValues(20)).toEqual([0, 5, 10, 15, 20]);
});
