import { expect, test } from 'vitest';
import { decideOutcome, type OutcomeInput, type Outcome } from './outcome.ts';

const TERM = { name: 'SIGTERM', number: 15 };
const INT = { name: 'SIGINT', number: 2 };
const KILL = { name: 'SIGKILL', number: 9 };
const USR1 = { name: 'SIGUSR1', number: 10 };

const rows: Array<[string, OutcomeInput, Outcome]> = [
  ['exit 0', { end: { kind: 'exited', code: 0 }, timeoutMs: null, stopSignal: null },
    { exitCode: 0, action: 'success', reason: null, signal: null, message: null }],
  ['exit 3', { end: { kind: 'exited', code: 3 }, timeoutMs: null, stopSignal: null },
    { exitCode: 3, action: 'failure', reason: null, signal: null, message: null }],
  ['exit 255', { end: { kind: 'exited', code: 255 }, timeoutMs: null, stopSignal: null },
    { exitCode: 255, action: 'failure', reason: null, signal: null, message: null }],
  ['killed by SIGTERM', { end: { kind: 'signaled', signal: TERM }, timeoutMs: null, stopSignal: null },
    { exitCode: 143, action: 'failure', reason: 'signal', signal: 'SIGTERM', message: 'killed by SIGTERM' }],
  ['killed by SIGKILL', { end: { kind: 'signaled', signal: KILL }, timeoutMs: null, stopSignal: null },
    { exitCode: 137, action: 'failure', reason: 'signal', signal: 'SIGKILL', message: 'killed by SIGKILL' }],
  ['killed by forwarded SIGINT', { end: { kind: 'signaled', signal: INT }, timeoutMs: null, stopSignal: INT },
    { exitCode: 130, action: 'failure', reason: 'signal', signal: 'SIGINT', message: 'killed by SIGINT' }],
  ['handled forwarded SIGTERM, exit 0', { end: { kind: 'exited', code: 0 }, timeoutMs: null, stopSignal: TERM },
    { exitCode: 143, action: 'failure', reason: 'signal', signal: 'SIGTERM', message: 'exited 0 after the wrapper forwarded SIGTERM' }],
  ['handled forwarded SIGINT, exit 1 keeps 1', { end: { kind: 'exited', code: 1 }, timeoutMs: null, stopSignal: INT },
    { exitCode: 1, action: 'failure', reason: null, signal: null, message: null }],
  ['SIGUSR1 is not a stop signal', { end: { kind: 'exited', code: 0 }, timeoutMs: null, stopSignal: null },
    { exitCode: 0, action: 'success', reason: null, signal: null, message: null }],
  ['timeout, ended by SIGTERM', { end: { kind: 'signaled', signal: TERM }, timeoutMs: 90_000, stopSignal: null },
    { exitCode: 124, action: 'failure', reason: 'timeout', signal: 'SIGTERM', message: 'timed out after 90s, ended by SIGTERM' }],
  ['timeout, needed SIGKILL', { end: { kind: 'signaled', signal: KILL }, timeoutMs: 1500, stopSignal: null },
    { exitCode: 124, action: 'failure', reason: 'timeout', signal: 'SIGKILL', message: 'timed out after 1.5s, ended by SIGKILL' }],
  ['timeout, child exited 0 on SIGTERM', { end: { kind: 'exited', code: 0 }, timeoutMs: 200, stopSignal: null },
    { exitCode: 124, action: 'failure', reason: 'timeout', signal: null, message: 'timed out after 0.2s' }],
  ['timeout wins over a forwarded signal', { end: { kind: 'signaled', signal: USR1 }, timeoutMs: 1000, stopSignal: TERM },
    { exitCode: 124, action: 'failure', reason: 'timeout', signal: 'SIGUSR1', message: 'timed out after 1s, ended by SIGUSR1' }],
  ['not found', { end: { kind: 'spawn_error', errorCode: 'ENOENT', command: '/no/such/binary', detail: 'spawn /no/such/binary ENOENT' }, timeoutMs: null, stopSignal: null },
    { exitCode: 127, action: 'failure', reason: 'spawn_error', signal: null, message: 'cannot run "/no/such/binary": command not found (ENOENT)' }],
  ['not a directory in path', { end: { kind: 'spawn_error', errorCode: 'ENOTDIR', command: '/etc/passwd/x', detail: 'spawn /etc/passwd/x ENOTDIR' }, timeoutMs: null, stopSignal: null },
    { exitCode: 127, action: 'failure', reason: 'spawn_error', signal: null, message: 'cannot run "/etc/passwd/x": command not found (ENOTDIR)' }],
  ['not executable', { end: { kind: 'spawn_error', errorCode: 'EACCES', command: './job.sh', detail: 'spawn ./job.sh EACCES' }, timeoutMs: null, stopSignal: null },
    { exitCode: 126, action: 'failure', reason: 'spawn_error', signal: null, message: 'cannot run "./job.sh": permission denied (not executable) (EACCES)' }],
  ['other spawn error', { end: { kind: 'spawn_error', errorCode: 'E2BIG', command: 'x', detail: 'spawn E2BIG' }, timeoutMs: null, stopSignal: null },
    { exitCode: 126, action: 'failure', reason: 'spawn_error', signal: null, message: 'cannot run "x": spawn E2BIG (E2BIG)' }],
];

test.for(rows)('%s', ([, input, expected]) => {
  expect(decideOutcome(input)).toEqual(expected);
});
