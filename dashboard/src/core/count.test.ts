import { expect, test } from 'vitest';
import { formatCount } from './count.ts';

test.each([
  [0, 'run', undefined, '0 runs'],
  [1, 'run', undefined, '1 run'],
  [2, 'run', undefined, '2 runs'],
  [12_641, 'ping', undefined, '12,641 pings'],
  [1, 'match', 'matches', '1 match'],
  [3, 'match', 'matches', '3 matches'],
])('formatCount(%i, %s) = %s', (n, noun, plural, text) => {
  expect(formatCount(n, noun, plural)).toBe(text);
});
