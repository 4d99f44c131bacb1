import { expect, test } from 'vitest';
import { gridValues, niceMax, slotAtPointer, spreadTicks, stackHeights } from './chart.ts';

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

test('slotAtPointer: wide slots are taken as they are', () => {
  expect(slotAtPointer(25, 10, [0, 0, 5, 0])).toBe(2);
  expect(slotAtPointer(5, 10, [0, 0, 5, 0])).toBe(0); // an empty slot under the pointer, nothing near
  expect(slotAtPointer(-1, 10, [1])).toBeNull();
  expect(slotAtPointer(10, 10, [1])).toBeNull();
});

test('slotAtPointer: 0.73 px slots (30 days) reach every non-empty slot, the newest one too', () => {
  const slot = 0.73;
  const counts = Array.from({ length: 1440 }, () => 0);
  counts[1439] = 12; // pings only in the current half-hour
  counts[700] = 3;
  // Every whole pixel that can reach a slot with pings gets one; the newest slot from the last pixels.
  const reached = new Set<number>();
  for (let px = 0; px < Math.floor(slot * counts.length); px++) {
    const i = slotAtPointer(px, slot, counts);
    if (i !== null && counts[i]! > 0) reached.add(i);
  }
  expect([...reached].sort((a, b) => a - b)).toEqual([700, 1439]);
  expect(slotAtPointer(500, slot, counts)).toBe(684); // nothing within reach: the empty slot itself
});
