import { expect, test } from 'vitest';
import { gridValues, niceMax, spreadTicks, stackHeights } from './chart.ts';

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

test.each([
  [1, [0, 1]],
  [2, [0, 1, 2]],
  [5, [0, 1, 2, 3, 4, 5]],
  [10, [0, 2, 4, 6, 8, 10]],
  [20, [0, 5, 10, 15, 20]],
  [25, [0, 5, 10, 15, 20, 25]],
  [500, [0, 125, 250, 375, 500]],
])('gridValues(%i) = %j', (yMax, values) => {
  expect(gridValues(yMax)).toEqual(values);
});

test('spreadTicks keeps day labels first, then hours that do not crowd them', () => {
  const ticks = [
    { x: 0, major: false },
    { x: 30, major: true },
    { x: 60, major: false },
    { x: 100, major: false },
    { x: 140, major: false },
  ];
  expect(spreadTicks(ticks, 50)).toEqual([{ x: 30, major: true }, { x: 100, major: false }]);
});
