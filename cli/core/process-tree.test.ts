import { expect, test } from 'vitest';
import { findLeafDescendants, type ProcessEntry } from './process-tree.ts';

const p = (pid: number, ppid: number): ProcessEntry => ({ pid, ppid });
// 1 init, 100 the wrapper, 200 unrelated
const base = [p(1, 0), p(100, 1), p(200, 1), p(201, 200)];

test.each<[string, number, ProcessEntry[], number[]]>([
  ['the job alone (seq): itself', 300, [...base, p(300, 100)], [300]],
  ['sh waiting for seq: only seq', 300, [...base, p(300, 100), p(301, 300)], [301]],
  ['sh running a | b: both ends of its pipeline', 300, [...base, p(300, 100), p(301, 300), p(302, 300)], [301, 302]],
  ['nested: sh -> sh -> seq', 300, [...base, p(300, 100), p(301, 300), p(302, 301)], [302]],
  ['unrelated processes are never chosen', 300, [...base, p(300, 100)], [300]],
  ['the job is gone: nothing', 300, [...base], []],
  ['a cycle in a torn read of the table does not loop', 300, [...base, p(300, 301), p(301, 300)], []],
])('%s', (_name, root, processes, expected) => {
  expect(findLeafDescendants(root, processes)).toEqual(expected);
});
