import { describe, expect, test } from 'vitest';
import { toBoundedUtf8, utf8PrefixLength, utf8SuffixStart } from './utf8.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const isValidUtf8 = (text: string) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes(text));
    return true;
  } catch {
    return false;
  }
};

describe('utf8PrefixLength', () => {
  test.each([
    ['abc', 10, 3],
    ['abc', 2, 2],
    ['aé', 2, 1], // é is 2 bytes: cutting at 2 would split it
    ['aé', 3, 3],
    ['€€', 4, 3], // € is 3 bytes
    ['😀x', 3, 0], // 4-byte emoji
    ['😀x', 4, 4],
  ])('%s max %i -> %i', (text, max, want) => {
    expect(utf8PrefixLength(bytes(text), max)).toBe(want);
  });
});

describe('utf8SuffixStart', () => {
  test.each([
    ['abc', 10, 0],
    ['abc', 2, 1],
    ['éa', 2, 2], // starting at byte 1 would begin inside é
    ['x😀', 4, 1],
    ['x😀', 3, 5],
  ])('%s max %i -> %i', (text, max, want) => {
    expect(utf8SuffixStart(bytes(text), max)).toBe(want);
  });
});

describe('toBoundedUtf8', () => {
  test('valid text under the limit is kept whole', () => {
    expect(toBoundedUtf8(bytes('héllo'), 100)).toEqual({ text: 'héllo', truncated: false });
  });

  test('cuts on a character boundary and flags truncation', () => {
    const { text, truncated } = toBoundedUtf8(bytes('a'.repeat(9) + '€'), 10);
    expect(text).toBe('a'.repeat(9));
    expect(truncated).toBe(true);
  });

  test('invalid bytes become U+FFFD and the result stays within the byte limit', () => {
    const input = new Uint8Array(10).fill(0xff);
    const { text, truncated } = toBoundedUtf8(input, 10);
    expect(text).toBe('\uFFFD'.repeat(3));
    expect(new TextEncoder().encode(text).length).toBeLessThanOrEqual(10);
    expect(truncated).toBe(true);
    expect(isValidUtf8(text)).toBe(true);
  });

  test('binary with NUL bytes round-trips as valid UTF-8', () => {
    const { text } = toBoundedUtf8(new Uint8Array([0, 1, 2, 0xc3, 0x28, 0x41]), 100);
    expect(text).toBe('\u0000\u0001\u0002\uFFFD(A');
  });
});
