import { describe, expect, test } from 'vitest';
import type { PingJson, StreamItemJson } from '../../shared/protocol.ts';
import { PLAIN } from './paint.ts';
import { formatTailLine, reconnectDelay } from './tail-view.ts';

const ping = (over: Partial<PingJson>): StreamItemJson => ({
  type: 'ping',
  cursor: '1-0',
  seq: 1,
  ping: {
    ping_id: 'p1',
    monitor_id: 'mon_1',
    run_id: 'r-42',
    kind: 'start',
    received_at: '2026-12-03T17:05:09.000Z',
    message: null,
    exit_code: null,
    duration_ms: null,
    payload: null,
    payload_size: 0,
    truncated: false,
    content_type: null,
    sent_at: null,
    late: false,
    ...over,
  },
});
const names = (id: string) => (id === 'mon_1' ? 'nightly-backup' : id);
const utc = () => 0;

describe('formatTailLine', () => {
  test.each([
    ['start', ping({}), '2026-12-03 17:05:09  nightly-backup  r-42  start'],
    ['log with message', ping({ kind: 'log', message: '50% done' }), '2026-12-03 17:05:09  nightly-backup  r-42  log  "50% done"'],
    ['log with newlines and control bytes', ping({ kind: 'log', message: 'a\nb\u0007' }), '2026-12-03 17:05:09  nightly-backup  r-42  log  "a b?"'],
    [
      'success with exit code and duration',
      ping({ kind: 'success', exit_code: 0, duration_ms: 72_000 }),
      '2026-12-03 17:05:09  nightly-backup  r-42  success  exit 0  1m 12s',
    ],
    ['failure replayed late', ping({ kind: 'failure', exit_code: 3, late: true }), '2026-12-03 17:05:09  nightly-backup  r-42  failure  exit 3  (late)'],
    ['unknown monitor shows its id', ping({ monitor_id: 'mon_2' }), '2026-12-03 17:05:09  mon_2  r-42  start'],
  ])('%s', (_name, item, expected) => {
    expect(formatTailLine(item, names, utc, PLAIN)).toBe(expected);
  });

  test('a run event', () => {
    const item: StreamItemJson = {
      type: 'run_event',
      cursor: '1-1',
      id: 1,
      monitor_id: 'mon_1',
      run_id: 'r-42',
      event: { type: 'FAILED', at: '2026-12-03T17:05:09.000Z', detail: 'exit_code' },
    };
    expect(formatTailLine(item, names, () => 60, PLAIN)).toBe('2026-12-03 18:05:09  nightly-backup  r-42  event FAILED  exit_code');
  });
});

describe('reconnectDelay', () => {
  test.each([
    [0, 0.5, null, 500],
    [1, 0.5, null, 1000],
    [2, 0.5, null, 2000],
    [5, 0.5, null, 10_000],
    [50, 0.5, null, 10_000],
    [0, 0, null, 400],
    [0, 1, null, 600],
    [0, 0.5, 2000, 2000],
  ])('attempt %i, random %d, server retry %j -> %i ms', (attempt, random, retry, expected) => {
    expect(reconnectDelay(attempt, random, retry)).toBe(expected);
  });
});
