import { describe, expect, test } from 'vitest';
import { parseByteSize, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  test.for([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2.5s', 2_500],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['10', 10_000],
    ['0.5', 500],
    ['.25s', 250],
    ['0s', 0],
    ['1d', 86_400_000],
    [' 3s ', 3_000],
    ['0.0001s', 1],
  ] as const)('%s is %d ms', ([text, ms]) => {
    expect(parseDuration(text)).toEqual({ ms });
  });

  test.for(['', 's', '10x', '-5s', '5 s', '1h30', 'm5', '1.2.3s', 'abc', '30d'])('"%s" is refused', (text) => {
    expect(parseDuration(text)).toHaveProperty('error');
  });
});

describe('parseByteSize', () => {
  test.for([
    ['4096', 4096],
    ['10k', 10_240],
    ['10KB', 10_240],
    ['2KiB', 2_048],
    ['0', 0],
    ['512b', 512],
  ] as const)('%s is %d bytes', ([text, bytes]) => {
    expect(parseByteSize(text)).toEqual({ bytes });
  });

  test.for(['', '10MB', '-1', '1.5k', 'ten'])('"%s" is refused', (text) => {
    expect(parseByteSize(text)).toHaveProperty('error');
  });
});
