import { describe, expect, test } from 'vitest';
import { MilestoneScanner, compileMilestonePattern, matchMilestone, MILESTONE_MAX_LINE_BYTES } from './milestone.ts';

const enc = new TextEncoder();

function compile(source: string | null): RegExp {
  const re = compileMilestonePattern(source);
  if (!(re instanceof RegExp)) throw new Error(re.error);
  return re;
}

describe('matchMilestone', () => {
  test.for<[string | null, string, string | null]>([
    [null, '[milestone] dumped database', 'dumped database'],
    [null, '[milestone]   spaced out  ', 'spaced out'],
    [null, '[milestone] with CRLF\r', 'with CRLF'],
    [null, '[milestone]', null],
    [null, '[milestone]    ', null],
    [null, 'prefix [milestone] not at start', null],
    [null, '[MILESTONE] wrong case', null],
    [null, '[milestone] 50% done & next=step #2 + a/b?c é', '50% done & next=step #2 + a/b?c é'],
    ['^STEP (\\d+)', 'STEP 3 of 5', '3'],
    ['^==> .*$', '==> uploading', '==> uploading'],
    ['^(?:x)?(done)?$', 'x', null],
    ['progress', 'no match here', null],
  ])('%s on %j gives %j', ([source, line, expected]) => {
    expect(matchMilestone(compile(source), line)).toBe(expected);
  });

  test('caps the message at 1024 characters', () => {
    const message = matchMilestone(compile(null), `[milestone] ${'é'.repeat(2000)}`);
    expect(message).toBe('é'.repeat(1024));
  });

  test('an invalid regex is reported', () => {
    expect(compileMilestonePattern('([unclosed')).toHaveProperty('error');
  });
});

describe('MilestoneScanner', () => {
  test.for<[string, string[], string[]]>([
    ['one line per chunk', ['[milestone] a\n', 'noise\n', '[milestone] b\n'], ['a', 'b']],
    ['lines split across chunks', ['[miles', 'tone] spl', 'it\n[milestone] two\n'], ['split', 'two']],
    ['a last line without newline', ['[milestone] last'], ['last']],
    ['several in one chunk, in order', ['[milestone] 1\n[milestone] 2\n[milestone] 3\n'], ['1', '2', '3']],
  ])('%s', ([, chunks, expected]) => {
    const scanner = new MilestoneScanner(compile(null));
    const found = chunks.flatMap((c) => scanner.push(enc.encode(c)));
    found.push(...scanner.finish());
    expect(found).toEqual(expected);
  });

  test('an overlong line is skipped without being buffered, the next line still counts', () => {
    const scanner = new MilestoneScanner(compile(null));
    const found = [
      ...scanner.push(enc.encode(`[milestone] ${'x'.repeat(MILESTONE_MAX_LINE_BYTES)}`)),
      ...scanner.push(enc.encode('more\n[milestone] after\n')),
      ...scanner.finish(),
    ];
    expect(found).toEqual(['after']);
  });
});
