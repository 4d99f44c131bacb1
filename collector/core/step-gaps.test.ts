import { describe, expect, test } from 'vitest';
import type { PingKind } from '../../shared/protocol.ts';
import { buildTimeline, median, normaliseStepMessage, type TimelinePing } from './step-gaps.ts';

const T0 = Date.parse('2026-12-03T02:00:00Z');

// A run as [kind, message, seconds after T0, late?] rows.
type Row = [PingKind, string | null, number, boolean?];
const run = (rows: Row[], base = T0): TimelinePing[] =>
  rows.map(([kind, message, seconds, late]) => ({ kind, message, receivedAt: base + seconds * 1000, late: late ?? false }));

// An earlier run with the usual pace: extract 2 s, load 10 s, end 1 s later.
const usual = (n: number): TimelinePing[] =>
  run(
    [
      ['start', null, 0],
      ['log', `extracted ${100 + n} rows`, 2],
      ['log', 'loaded', 12],
      ['success', null, 13],
    ],
    T0 - (n + 1) * 86_400_000,
  );

describe('median', () => {
  test.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 3], // (2 + 3) / 2 = 2.5, rounded
    [[10, 10, 1000], 10],
  ])('median(%j) = %i', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe('normaliseStepMessage', () => {
  test.each([
    ['processed 512 rows', 'processed # rows'],
    ['step 2/10  done', 'step #/# done'],
    ['  loaded ', 'loaded'],
    ['50% done & next=step #2', '#% done & next=step ##'],
  ])('%j -> %j', (message, expected) => {
    expect(normaliseStepMessage(message)).toBe(expected);
  });
});

describe('buildTimeline', () => {
  test('offsets from the start and gaps from the previous step, in arrival order', () => {
    const steps = buildTimeline(
      run([
        ['start', null, 0],
        ['log', 'a', 1.5],
        ['log', 'b', 4],
        ['success', null, 4.25],
      ]),
      T0,
      [],
    );
    expect(steps.map((s) => [s.step, s.offsetMs, s.gapMs, s.typicalGapMs, s.unusual])).toEqual([
      ['start', 0, null, null, false],
      ['a', 1500, 1500, null, false],
      ['b', 4000, 2500, null, false],
      ['end', 4250, 250, null, false],
    ]);
  });

  test('a step far above its typical gap is unusual; the same step at its usual pace is not', () => {
    const history = [usual(0), usual(1), usual(2), usual(3)];
    const today = run([
      ['start', null, 0],
      ['log', 'extracted 99 rows', 2.1],
      ['log', 'loaded', 2.1 + 45], // usually 10 s: 4.5x and 35 s above
      ['success', null, 48.1],
    ]);
    const steps = buildTimeline(today, T0, history);
    expect(steps.map((s) => [s.step, s.gapMs, s.typicalGapMs, s.basis, s.samples, s.unusual])).toEqual([
      ['start', null, null, null, 0, false],
      ['extracted 99 rows', 2100, 2000, 'message', 4, false],
      ['loaded', 45_000, 10_000, 'message', 4, true],
      ['end', 1000, 1000, 'index', 4, false],
    ]);
  });

  // Rows: gap today (ms), typical gaps of earlier runs (ms), expected unusual.
  test.each([
    ['3x exactly is not above 3x', 3000, [1000, 1000, 1000], false],
    ['just above 3x and 1 s above typical', 3001, [1000, 1000, 1000], true],
    ['4x but only 300 ms above typical (floor)', 400, [100, 100, 100], false],
    ['30x and well above the floor', 3000, [100, 100, 100], true],
    ['too little history to judge', 60_000, [1000, 1000], false],
    ['median resists one slow earlier run', 5000, [1000, 1000, 1000, 900_000], true],
  ])('%s', (_name, gapToday, earlier, expected) => {
    const history = earlier.map((gap, n) =>
      run(
        [
          ['start', null, 0],
          ['log', 'work', gap / 1000],
        ],
        T0 - (n + 1) * 3_600_000,
      ),
    );
    const today = run([
      ['start', null, 0],
      ['log', 'work', gapToday / 1000],
    ]);
    expect(buildTimeline(today, T0, history)[1]!.unusual).toBe(expected);
  });

  test('messages that vary run to run fall back to the /log position', () => {
    const history = [0, 1, 2].map((n) =>
      run(
        [
          ['start', null, 0],
          ['log', `batch ${['alpha', 'beta', 'gamma'][n]}`, 1],
          ['log', `upload ${['x', 'y', 'z'][n]}`, 2],
        ],
        T0 - (n + 1) * 3_600_000,
      ),
    );
    const today = run([
      ['start', null, 0],
      ['log', 'batch delta', 1],
      ['log', 'upload w', 30],
    ]);
    const steps = buildTimeline(today, T0, history);
    expect(steps.map((s) => [s.step, s.basis, s.typicalGapMs, s.unusual])).toEqual([
      ['start', null, null, false],
      ['batch delta', 'index', 1000, false],
      ['upload w', 'index', 1000, true],
    ]);
  });

  test('spool replays (late pings) neither count as history nor get flagged', () => {
    const history = [0, 1, 2].map((n) =>
      run(
        [
          ['start', null, 0],
          ['log', 'work', 1],
          ['success', null, 600, true], // replayed ten minutes later: not a real gap
        ],
        T0 - (n + 1) * 3_600_000,
      ),
    );
    const today = run([
      ['start', null, 0],
      ['log', 'work', 1],
      ['success', null, 900, true],
    ]);
    const steps = buildTimeline(today, T0, history);
    expect(steps[2]).toMatchObject({ step: 'end', samples: 0, typicalGapMs: null, unusual: false });
  });

  test('a run without /start measures offsets from the given origin; a blank message is named by position', () => {
    const steps = buildTimeline(
      run([
        ['log', '', 5],
        ['failure', null, 7],
      ]),
      T0 + 5000,
      [],
    );
    expect(steps.map((s) => [s.step, s.offsetMs, s.gapMs])).toEqual([
      ['log #1', 0, null],
      ['end', 2000, 2000],
    ]);
  });

  test('after left-out pings: no gap for the first one shown, /log steps matched by message only, the end still by position', () => {
    const history = [0, 1, 2].map(usual);
    const today = run([
      ['start', null, 0],
      ['log', 'extracted 9 rows', 2],
      // ... pings left out here ...
      ['log', 'loaded', 500],
      ['log', null, 501],
      ['success', null, 560],
    ]);
    const steps = buildTimeline(today, T0, history, undefined, 2);
    expect(steps.map((s) => [s.step, s.gapMs, s.basis])).toEqual([
      ['start', null, null],
      ['extracted 9 rows', 2000, 'message'],
      ['loaded', null, null],
      ['log', 1000, null],
      ['end', 59_000, 'index'],
    ]);
    expect(steps[4]).toMatchObject({ typicalGapMs: 1000, unusual: true });
  });

  test('the first ping has no gap, so no typical gap either, even when earlier runs had that step later on', () => {
    // Earlier runs logged "warmup" after their start; today it is the first ping.
    const history = [0, 1, 2].map((n) =>
      run(
        [
          ['start', null, 0],
          ['log', 'warmup', 5],
        ],
        T0 - (n + 1) * 86_400_000,
      ),
    );
    const steps = buildTimeline(run([['log', 'warmup', 0], ['success', null, 1]]), T0, history);
    expect(steps[0]).toMatchObject({ gapMs: null, typicalGapMs: null, basis: null, samples: 0, unusual: false });
  });
});
