import { expect, test } from 'vitest';
import { describeLeftPings } from './flush-summary.ts';

test.each<[string, number, Array<[string, string]>, string]>([
  ['one collector, as before', 3, [['http://127.0.0.1:4001', 'connection refused']], '3 left (http://127.0.0.1:4001: connection refused)'],
  [
    'each collector with its reason',
    9,
    [
      ['http://127.0.0.1:4003', 'no answer (no answer within 3000 ms)'],
      ['http://127.0.0.1:4001', 'connection refused'],
      ['https://db.example', 'host name does not resolve'],
    ],
    '9 left (http://127.0.0.1:4001: connection refused; http://127.0.0.1:4003: no answer (no answer within 3000 ms); https://db.example: host name does not resolve)',
  ],
  [
    'collectors failing the same way are named together',
    9,
    [
      ['http://127.0.0.1:4003', 'connection refused'],
      ['http://127.0.0.1:4001', 'connection refused'],
      ['http://127.0.0.1:4002', 'HTTP 502'],
    ],
    '9 left (http://127.0.0.1:4001, http://127.0.0.1:4003: connection refused; http://127.0.0.1:4002: HTTP 502)',
  ],
  ['nothing failed: runs locked by another flush', 2, [], '2 left (busy)'],
])('%s', (_name, remaining, heldBack, expected) => {
  expect(describeLeftPings(remaining, new Map(heldBack), 'busy')).toBe(expected);
});
