import { expect, test } from 'vitest';
import { fitColumns, tableChrome } from './table-layout.ts';

test.each([
  ['fits as is', [5, 10, 3], 30, [5, 10, 3]],
  ['widest gives way first', [5, 40, 3], 30, [5, 22, 3]],
  ['two wide columns share the cut', [30, 30, 4], 40, [18, 18, 4]],
  ['leftover goes to cut columns', [30, 31, 4], 41, [19, 18, 4]],
  ['never below the minimum (may overflow)', [20, 20, 20], 10, [6, 6, 6]],
  ['a narrow column stays narrow', [2, 50], 20, [2, 18]],
])('%s', (_name, natural, available, expected) => {
  const widths = fitColumns(natural, available);
  expect(widths).toEqual(expected);
});

test('chrome of a 3-column table: 4 borders and 6 padding cells', () => {
  expect(tableChrome(3)).toBe(10);
});
