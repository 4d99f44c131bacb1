import { describe, expect, test } from 'vitest';
import { parseRunOptions } from './run-options.ts';
import { parseFlushOptions, parsePingOptions } from './ping-options.ts';

describe('parseRunOptions', () => {
  test.for<[string, string[], object]>([
    ['command after --', ['--monitor', 'backup', '--', 'sh', '-c', 'exit 3'], { monitor: 'backup', command: ['sh', '-c', 'exit 3'] }],
    ['command without --', ['-m', 'backup', 'tar', '-czf', 'x.tgz', '--verbose'], { monitor: 'backup', command: ['tar', '-czf', 'x.tgz', '--verbose'] }],
    ['= values', ['--timeout=90s', '--kill-after=5s', '--', 'true'], { timeoutMs: 90_000, killAfterMs: 5000 }],
    ['defaults', ['--', 'true'], { timeoutMs: null, killAfterMs: 10_000, outputLimitBytes: 10_240, sendOutput: true, quiet: false, milestone: null }],
    ['flags', ['--no-output', '-q', '--output-limit', '2KB', '--milestone', '^STEP (.*)', '--', 'job'], { sendOutput: false, quiet: true, outputLimitBytes: 2048, milestone: '^STEP (.*)' }],
    ['options of the command stay', ['--', 'ls', '--help', '--', '-q'], { help: false, quiet: false, command: ['ls', '--help', '--', '-q'] }],
    ['help without command', ['--help'], { help: true, command: [] }],
    ['run id', ['--run-id', 'nightly-2025-01-01', '--', 'true'], { runId: 'nightly-2025-01-01' }],
  ])('%s', ([, argv, expected]) => {
    expect(parseRunOptions(argv)).toMatchObject(expected);
  });

  test.for<[string, string[]]>([
    ['no command', ['--monitor', 'x']],
    ['unknown option', ['--tmeout', '5s', '--', 'true']],
    ['missing value', ['--timeout']],
    ['bad timeout', ['--timeout', 'soon', '--', 'true']],
    ['zero timeout', ['--timeout', '0s', '--', 'true']],
    ['bad run id', ['--run-id', 'has space', '--', 'true']],
    ['output limit above what is stored', ['--output-limit', '64KB', '--', 'true']],
    ['value on a flag', ['--quiet=yes', '--', 'true']],
    ['invalid milestone regex', ['--milestone', '^STEP (', '--', 'true']],
  ])('refuses %s', ([, argv]) => {
    expect(parseRunOptions(argv)).toHaveProperty('error');
  });
});

describe('parsePingOptions', () => {
  test.for<[string, string[], object]>([
    ['start', ['start', '--monitor', 'backup'], { action: 'start', monitor: 'backup', runId: undefined }],
    ['log', ['log', '--run-id', 'R1', '--message', '50% done & next'], { action: 'log', runId: 'R1', message: '50% done & next' }],
    ['failure with exit code', ['failure', '--run-id=R1', '--exit-code', '3'], { action: 'failure', exitCode: 3 }],
    ['options first', ['-m', 'x', 'success', '--run-id', 'R'], { action: 'success', monitor: 'x' }],
  ])('%s', ([, argv, expected]) => {
    expect(parsePingOptions(argv)).toMatchObject(expected);
  });

  test.for<[string, string[]]>([
    ['no kind', []],
    ['unknown kind', ['stop']],
    ['log without run id', ['log', '--message', 'x']],
    ['exit code out of range', ['failure', '--run-id', 'R', '--exit-code', '256']],
    ['exit code on start', ['start', '--exit-code', '0']],
    ['extra argument', ['start', 'again']],
  ])('refuses %s', ([, argv]) => {
    expect(parsePingOptions(argv)).toHaveProperty('error');
  });
});

describe('parseFlushOptions', () => {
  test('spool dir and quiet', () => {
    expect(parseFlushOptions(['--spool-dir', '/tmp/s', '-q'])).toMatchObject({ spoolDir: '/tmp/s', quiet: true, url: undefined });
    expect(parseFlushOptions(['--url', 'http://new:8417'])).toMatchObject({ url: 'http://new:8417' });
  });
  test('refuses arguments', () => {
    expect(parseFlushOptions(['now'])).toHaveProperty('error');
  });
});
