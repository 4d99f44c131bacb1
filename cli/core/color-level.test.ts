import { expect, test } from 'vitest';
import { resolveColorLevel } from './color-level.ts';

test.each([
  ['piped, nothing set', {}, false, 0],
  ['terminal, nothing set', { TERM: 'xterm' }, true, 1],
  ['terminal, 256 colours', { TERM: 'xterm-256color' }, true, 2],
  ['terminal, truecolor', { TERM: 'xterm-256color', COLORTERM: 'truecolor' }, true, 3],
  ['dumb terminal', { TERM: 'dumb' }, true, 0],
  ['NO_COLOR on a terminal', { TERM: 'xterm', NO_COLOR: '1' }, true, 0],
  ['empty NO_COLOR is not set', { TERM: 'xterm', NO_COLOR: '' }, true, 1],
  ['FORCE_COLOR when piped', { FORCE_COLOR: '1' }, false, 1],
  ['FORCE_COLOR empty', { FORCE_COLOR: '' }, false, 1],
  ['FORCE_COLOR=3', { FORCE_COLOR: '3' }, false, 3],
  ['FORCE_COLOR=9 caps at 3', { FORCE_COLOR: '9' }, false, 3],
  ['FORCE_COLOR=0 on a terminal', { TERM: 'xterm', FORCE_COLOR: '0' }, true, 0],
  ['FORCE_COLOR=false', { FORCE_COLOR: 'false' }, true, 0],
  ['FORCE_COLOR beats NO_COLOR', { FORCE_COLOR: '1', NO_COLOR: '1' }, false, 1],
])('%s', (_name, env, isTTY, expected) => {
  expect(resolveColorLevel(env, isTTY)).toBe(expected);
});
