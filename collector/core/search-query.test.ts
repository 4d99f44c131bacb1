import { expect, test } from 'vitest';
import { toFtsQuery } from './search-query.ts';

test.each([
  ['timeout', '"timeout"*'],
  ['  Stripe   invoice ', '"Stripe"* "invoice"*'],
  ['invoice.paid', '"invoice"* "paid"*'],
  ['"quoted" OR NOT x*', '"quoted"* "OR"* "NOT"* "x"*'],
  ['<img src=x onerror=alert(1)>', '"img"* "src"* "x"* "onerror"* "alert"* "1"*'],
  ['café 東京', '"café"* "東京"*'],
  ['', null],
  ['   ', null],
  ['%%% ---', null],
])('toFtsQuery(%j) = %j', (text, expected) => {
  expect(toFtsQuery(text)).toBe(expected);
});
