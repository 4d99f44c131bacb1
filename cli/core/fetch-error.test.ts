import { expect, test } from 'vitest';
import { describeFetchError } from './fetch-error.ts';

const fetchFailed = (cause?: unknown) => Object.assign(new TypeError('fetch failed'), cause === undefined ? {} : { cause });
const timeout = () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

test.each([
  ['refused', fetchFailed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })), undefined, 'ECONNREFUSED'],
  ['unknown host', fetchFailed(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' })), undefined, 'ENOTFOUND'],
  [
    'every address refused',
    fetchFailed(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'ECONNREFUSED' })])),
    undefined,
    'ECONNREFUSED',
  ],
  ['a cause without code', fetchFailed(new Error('socket hang up')), undefined, 'socket hang up'],
  [
    'a blocked port',
    fetchFailed(new Error('bad port')),
    undefined,
    'a port fetch() refuses to connect to, a "bad port" of the Fetch standard: serve the collector on another port',
  ],
  ['no cause at all', fetchFailed(), undefined, 'fetch failed'],
  ['timeout', timeout(), 5000, 'no answer within 5 s'],
])('%s', (_name, error, timeoutMs, expected) => {
  expect(describeFetchError(error, timeoutMs)).toBe(expected);
});
