import { expect, test } from 'vitest';
import { csvCell, csvRow } from './csv.ts';

test.each([
  ['plain', 'plain'],
  ['', ''],
  [null, ''],
  [42, '42'],
  [-3, '-3'],
  [1.5, '1.5'],
  [Number.NaN, ''],
  [true, 'true'],
  ['a,b', '"a,b"'],
  ['say "hi"', '"say ""hi"""'],
  ['line1\nline2', '"line1\nline2"'],
  ['line1\r\nline2', '"line1\r\nline2"'],
  ['=1+1', "'=1+1"],
  ['+33 6 12', "'+33 6 12"],
  ['-5', "'-5"],
  ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
  ['\tcmd', "'\tcmd"],
  ['\rcmd', '"\'\rcmd"'],
  ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
  ['a=b', 'a=b'],
  ['é ✓', 'é ✓'],
] as const)('csvCell(%j) = %j', (value, expected) => {
  expect(csvCell(value)).toBe(expected);
});

test('csvRow joins cells and ends with CRLF', () => {
  expect(csvRow(['2025-01-01T00:00:00.000Z', 'run 1', 3, null, '=x'])).toBe("2025-01-01T00:00:00.000Z,run 1,3,,'=x\r\n");
});
