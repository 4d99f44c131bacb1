import { describe, expect, test } from 'vitest';
import { isParseError, parsePing } from './ping-request.ts';

describe('parsePing', () => {
  test.each([
    [undefined, {}, 'start', null, 'missing_run_id'],
    ['start', {}, 'start', null, null],
    ['start', { run_id: 'r1' }, 'start', null, null],
    ['log', { run_id: 'r1', message: 'hi' }, 'log', null, null],
    ['', { run_id: 'r1' }, 'success', null, null],
    ['success', { run_id: 'r1' }, 'success', null, null],
    ['failure', { run_id: 'r1' }, 'failure', null, null],
    ['fail', { run_id: 'r1' }, 'failure', null, null],
    ['0', { run_id: 'r1' }, 'success', 0, null],
    ['1', { run_id: 'r1' }, 'failure', 1, null],
    ['255', { run_id: 'r1' }, 'failure', 255, null],
    ['256', { run_id: 'r1' }, null, null, 'invalid_exit_code'],
    ['0003', { run_id: 'r1' }, null, null, 'invalid_exit_code'],
    ['success', { run_id: 'r1', exit_code: '7' }, 'success', 7, null],
    ['failure', { run_id: 'r1', exit_code: '-1' }, null, null, 'invalid_exit_code'],
    ['failure', { run_id: 'r1', exit_code: 'x' }, null, null, 'invalid_exit_code'],
    ['3', { run_id: 'r1', exit_code: '4' }, null, null, 'invalid_exit_code'],
    ['start', { run_id: 'r1', exit_code: '1' }, null, null, 'invalid_exit_code'],
    ['restart', { run_id: 'r1' }, null, null, 'unknown_action'],
    ['log', {}, null, null, 'missing_run_id'],
    ['start', { run_id: '' }, null, null, 'invalid_run_id'],
    ['start', { run_id: 'a b' }, null, null, 'invalid_run_id'],
    ['start', { run_id: 'é' }, null, null, 'invalid_run_id'],
    ['start', { run_id: 'x'.repeat(129) }, null, null, 'invalid_run_id'],
    ['start', { run_id: '!~'.repeat(64) }, 'start', null, null],
    ['success', { rid: '5f0c9a4e-1d2b-4c1a-9d3e-1b2c3d4e5f60' }, 'success', null, null],
    ['success', { rid: 'a b' }, null, null, 'invalid_run_id'],
    ['log', { run_id: 'r', message: 'é'.repeat(1024) }, 'log', null, null],
    ['log', { run_id: 'r', message: 'm'.repeat(1025) }, null, null, 'message_too_long'],
    ['success', { run_id: 'r', duration_ms: '12.5' }, null, null, 'invalid_duration'],
    ['success', { run_id: 'r', reason: 'timeout' }, 'failure', null, null],
    ['success', { run_id: 'r', reason: 'watchdog' }, null, null, 'invalid_reason'],
    ['success', { run_id: 'r', signal: 'rm -rf' }, null, null, 'invalid_signal'],
    ['success', { run_id: 'r', ping_id: 'x'.repeat(65) }, null, null, 'invalid_ping_id'],
  ] as const)('%s %o -> %s %s %s', (action, query, kind, exitCode, error) => {
    const result = parsePing(action, query);
    if (error) {
      expect(isParseError(result) && result.code).toBe(error);
    } else {
      expect(isParseError(result)).toBe(false);
      if (!isParseError(result)) {
        expect(result.kind).toBe(kind);
        expect(result.exitCode).toBe(exitCode);
      }
    }
  });

  test('repeated keys: the first one wins', () => {
    const result = parsePing('log', { run_id: ['a', 'b'] as unknown as string, message: 'm' });
    expect(!isParseError(result) && result.runId).toBe('a');
  });

  test('late, sent_at and duration are carried', () => {
    const result = parsePing('success', { run_id: 'r', late: '1', sent_at: '2026-12-03T10:00:00Z', duration_ms: '1500' });
    expect(result).toMatchObject({ late: true, sentAt: '2026-12-03T10:00:00Z', durationMs: 1500 });
  });
});
