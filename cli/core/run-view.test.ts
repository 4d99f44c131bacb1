import { describe, expect, test } from 'vitest';
import type { PingJson, RunDetailJson, RunStepJson } from '../../shared/protocol.ts';
import { PLAIN } from './paint.ts';
import { describeRunStatus, excerpt, outputTail, timelinePingCount, timelineRows } from './run-view.ts';

const T = (s: number) => new Date(Date.parse('2026-12-03T02:00:00Z') + s * 1000).toISOString();
let n = 0;
const ping = (kind: PingJson['kind'], s: number, over: Partial<PingJson> = {}): PingJson => ({
  ping_id: `p${++n}`,
  monitor_id: 'mon_1',
  run_id: 'r1',
  kind,
  received_at: T(s),
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
});
const step = (p: PingJson, offset: number, gap: number | null, typical: number | null, unusual = false): RunStepJson => ({
  ping_id: p.ping_id,
  kind: p.kind,
  step: p.message ?? p.kind,
  offset_ms: offset,
  gap_ms: gap,
  typical_gap_ms: typical,
  baseline: typical === null ? null : 'message',
  baseline_samples: typical === null ? 0 : 5,
  unusual,
});

function detail(): RunDetailJson {
  const pings = [
    ping('start', 0),
    ping('log', 2, { message: 'extracted 99 rows', payload: '{"rows":99}\n{"more":1}\n' }),
    ping('log', 47, { message: 'loaded' }),
    ping('failure', 48, { exit_code: 3, duration_ms: 48_100, payload: 'line 1\nError: disk full\n', payload_size: 24 }),
  ];
  return {
    run_id: 'r1',
    monitor_id: 'mon_1',
    status: 'failed',
    failure_reason: 'exit_code',
    signal: null,
    started_at: T(0),
    ended_at: T(48),
    duration_ms: 48_100,
    exit_code: 3,
    start_count: 1,
    ping_count: 4,
    last_message: 'loaded',
    deadline_at: null,
    delivered_late: false,
    events: [{ type: 'FAILED', at: T(48), detail: 'exit_code' }],
    pings,
    timeline: [
      step(pings[0]!, 0, null, null),
      step(pings[1]!, 2000, 2000, 2000),
      step(pings[2]!, 47_000, 45_000, 10_000, true),
      step(pings[3]!, 48_000, 1000, 1000),
    ],
    pings_omitted: 0,
    pings_omitted_at: null,
    baseline_runs: 5,
  };
}

describe('timelineRows', () => {
  test('a run with pings left out: one row says how many, where they were; the count says how many are shown', () => {
    const run = { ...detail(), pings_omitted: 12_641, pings_omitted_at: 2, ping_count: 12_645 };
    expect(timelineRows(run, PLAIN).map((r) => r.what)).toEqual([
      'start',
      'log "extracted 99 rows"',
      '… 12,641 pings not shown …',
      'log "loaded"',
      'failure · exit 3 · took 48.1 s',
      'event FAILED exit_code',
    ]);
    expect(timelinePingCount(run)).toBe('4 of 12,645 pings shown');
    expect(timelinePingCount(detail())).toBe('4 pings');
  });

  test('pings in order with offsets and gaps; the unusual gap says by how much; the event after its ping', () => {
    expect(timelineRows(detail(), PLAIN).map((r) => [r.offset, r.gap, r.typical, r.what, r.payload, r.unusual])).toEqual([
      ['+0 ms', '—', '—', 'start', '', false],
      ['+2.00 s', '2.00 s', '2.00 s', 'log "extracted 99 rows"', '{"rows":99} (+1 lines)', false],
      ['+47.0 s', '45.0 s  ▲ 4.5× typical', '10.0 s', 'log "loaded"', '', true],
      ['+48.0 s', '1.00 s', '1.00 s', 'failure · exit 3 · took 48.1 s', '(output tail below)', false],
      ['+48.0 s', '', '', 'event FAILED exit_code', '', false],
    ]);
  });
});

test('outputTail is the last terminal ping payload', () => {
  expect(outputTail(detail())).toEqual({ text: 'line 1\nError: disk full\n', size: 24, truncated: false });
  const running = { ...detail(), pings: detail().pings.slice(0, 2) };
  expect(outputTail(running)).toBeNull();
});

test.each([
  [null, ''],
  ['', ''],
  ['short', 'short'],
  ['\n\nfirst\nsecond\n', 'first (+1 lines)'],
  ['x'.repeat(70), `${'x'.repeat(19)}…`],
  ['bell\u0007', 'bell?'],
])('excerpt(%j)', (payload, expected) => {
  expect(excerpt(payload, 20)).toBe(expected);
});

test.each([
  [{ status: 'success', failure_reason: null, signal: null }, 'success'],
  [{ status: 'failed', failure_reason: 'exit_code', signal: null }, 'failed (exit_code)'],
  [{ status: 'failed', failure_reason: 'signal', signal: 'SIGTERM' }, 'failed (SIGTERM)'],
] as const)('describeRunStatus %j', (fields, expected) => {
  expect(describeRunStatus({ ...detail(), ...fields })).toBe(expected);
});
