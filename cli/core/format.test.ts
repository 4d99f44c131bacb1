import { expect, test } from 'vitest';
import { formatPlainTable } from './format.ts';

test('plain tables align by terminal columns: wide CJK, emoji and combining accents', () => {
  const table = formatPlainTable(
    ['NAME', 'STATUS'],
    [
      ['日本語のステップ', 'ok'],
      ['backup', 'failed'],
      ['cafe\u0301 🚀', 'ok'],
    ],
  );
  const lines = table.split('\n');
  // STATUS starts at the same screen column on every line: 16 columns of name, then two spaces.
  const pad = (n: number) => ' '.repeat(n);
  expect(lines).toEqual([`NAME${pad(14)}STATUS`, `日本語のステップ${pad(2)}ok`, `backup${pad(12)}failed`, `cafe\u0301 🚀${pad(11)}ok`]);
});
