import { describe, expect, test } from 'vitest';
import { applyPing, decideOutcome, expireRun, isOverdue, type PingFacts, type Run, type Thresholds } from './run-state.ts';

const T0 = Date.parse('2026-12-03T23:59:00Z');
const sec = (n: number) => T0 + n * 1000;
const MON = 'mon_test';
const NONE: Thresholds = { minDurationMs: null, maxDurationMs: null };
const WINDOW: Thresholds = { minDurationMs: 2_000, maxDurationMs: 60_000 };

function ping(kind: PingFacts['kind'], extra: Partial<PingFacts> = {}): PingFacts {
  return { kind, runId: 'r1', message: null, exitCode: null, durationMs: null, reason: null, signal: null, late: false, ...extra };
}

/** Applies pings in order; each step is [ping, receive time] or ['watchdog', time]. */
function play(limits: Thresholds, steps: Array<[PingFacts | 'watchdog', number]>): Run {
  let run: Run | null = null;
  for (const [step, at] of steps) {
    if (step === 'watchdog') {
      if (run) run = expireRun(run, at).run;
    } else {
      run = applyPing(run, step, limits, MON, at).run;
    }
  }
  if (!run) throw new Error('no run');
  return run;
}

const types = (run: Run) => run.events.map((e) => e.type);

describe('applyPing', () => {
  test.each([
    {
      name: 'start then success inside the window',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], [ping('success'), sec(10)]],
      want: { status: 'success', failureReason: null, durationMs: 10_000, events: [], startCount: 1 },
    },
    {
      name: 'start then failure ping',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], [ping('failure'), sec(5)]],
      want: { status: 'failed', failureReason: 'failure_ping', durationMs: 5_000, events: ['FAILED'] },
    },
    {
      name: 'non-zero exit code on a success route fails with exit_code',
      limits: NONE,
      steps: [[ping('start'), sec(0)], [ping('failure', { exitCode: 3 }), sec(1)]],
      want: { status: 'failed', failureReason: 'exit_code', exitCode: 3, events: ['FAILED'] },
    },
    {
      name: 'exit code 0 is success',
      limits: NONE,
      steps: [[ping('start'), sec(0)], [ping('success', { exitCode: 0 }), sec(1)]],
      want: { status: 'success', exitCode: 0, events: [] },
    },
    {
      name: 'wrapper-reported signal',
      limits: NONE,
      steps: [[ping('start'), sec(0)], [ping('failure', { exitCode: 143, reason: 'signal', signal: 'SIGTERM' }), sec(1)]],
      want: { status: 'failed', failureReason: 'signal', signal: 'SIGTERM', exitCode: 143, events: ['FAILED'] },
    },
    {
      name: 'success later than max raises DURATION_HIGH',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], [ping('success'), sec(61)]],
      want: { status: 'success', durationMs: 61_000, events: ['DURATION_HIGH'] },
    },
    {
      name: 'exactly max is not high',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], [ping('success'), sec(60)]],
      want: { status: 'success', events: [] },
    },
    {
      name: 'success sooner than min raises DURATION_LOW',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], [ping('success'), sec(1)]],
      want: { status: 'success', durationMs: 1_000, events: ['DURATION_LOW'] },
    },
    {
      name: 'a fast failure is FAILED, not DURATION_LOW',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], [ping('failure'), sec(1)]],
      want: { status: 'failed', events: ['FAILED'] },
    },
    {
      name: 'client duration_ms wins over receive times',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], [ping('success', { durationMs: 90_000 }), sec(5)]],
      want: { status: 'success', durationMs: 90_000, events: ['DURATION_HIGH'] },
    },
    {
      name: 'duplicate start: counted, one event, started_at kept',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], [ping('start'), sec(3)], [ping('start'), sec(4)], [ping('success'), sec(10)]],
      want: { status: 'success', startCount: 3, startedAt: sec(0), durationMs: 10_000, events: ['DUPLICATE_START'] },
    },
    {
      name: 'a start for a finished run does not reopen it',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], [ping('success'), sec(10)], [ping('start'), sec(20)]],
      want: { status: 'success', startCount: 2, endedAt: sec(10), deadlineAt: null, events: ['DUPLICATE_START'] },
    },
    {
      name: 'log before start creates the run; start attaches its time',
      limits: WINDOW,
      steps: [[ping('log', { message: 'step 1' }), sec(0)], [ping('start'), sec(1)], [ping('success'), sec(11)]],
      want: { status: 'success', startCount: 1, startedAt: sec(1), firstSeenAt: sec(0), durationMs: 10_000, events: [], lastMessage: 'step 1' },
    },
    {
      name: 'terminal before start creates a closed run with unknown duration',
      limits: WINDOW,
      steps: [[ping('success'), sec(5)]],
      want: { status: 'success', startCount: 0, startedAt: null, durationMs: null, events: [], deadlineAt: null },
    },
    {
      name: 'late start after the terminal attaches its time, does not reopen or re-arm',
      limits: WINDOW,
      steps: [[ping('success', { durationMs: 4_000 }), sec(5)], [ping('start', { late: true }), sec(6)]],
      want: { status: 'success', startCount: 1, startedAt: sec(6), durationMs: 4_000, deadlineAt: null, deliveredLate: true, events: [] },
    },
    {
      name: 'a second terminal ping changes nothing',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], [ping('success'), sec(10)], [ping('failure', { exitCode: 9 }), sec(12)]],
      want: { status: 'success', exitCode: null, endedAt: sec(10), events: [], pingCount: 3 },
    },
    {
      name: 'the watchdog closes an overdue run',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], ['watchdog', sec(60)]],
      want: { status: 'failed', failureReason: 'watchdog', closedBy: 'watchdog', durationMs: null, deadlineAt: null, events: ['FAILED'] },
    },
    {
      name: 'the watchdog leaves a run alone before its deadline (23:59:59 vs deadline 00:00:00)',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], ['watchdog', sec(59.999)]],
      want: { status: 'running', deadlineAt: sec(60), events: [] },
    },
    {
      name: 'late success after the watchdog: real outcome, DURATION_HIGH, FAILED kept',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], ['watchdog', sec(60)], [ping('success'), sec(75)]],
      want: { status: 'success', failureReason: null, closedBy: 'ping', durationMs: 75_000, events: ['FAILED', 'DURATION_HIGH'] },
    },
    {
      name: 'late failure after the watchdog: FAILED raised once',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], ['watchdog', sec(60)], [ping('failure', { exitCode: 1 }), sec(70)]],
      want: { status: 'failed', failureReason: 'exit_code', exitCode: 1, events: ['FAILED', 'DURATION_HIGH'] },
    },
    {
      name: 'spooled success whose measured duration fits: success, no DURATION_HIGH',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], ['watchdog', sec(60)], [ping('success', { durationMs: 30_000, late: true }), sec(300)]],
      want: { status: 'success', durationMs: 30_000, events: ['FAILED'] },
    },
    {
      name: 'watchdog after the terminal ping does nothing',
      limits: WINDOW,
      steps: [[ping('start'), sec(0)], [ping('success'), sec(60)], ['watchdog', sec(60)]],
      want: { status: 'success', events: [] },
    },
    {
      name: 'no max duration: no deadline, never expired',
      limits: NONE,
      steps: [[ping('start'), sec(0)], ['watchdog', sec(1e6)]],
      want: { status: 'running', deadlineAt: null },
    },
    {
      name: 'a log-created run is armed from its first ping',
      limits: WINDOW,
      steps: [[ping('log'), sec(0)], ['watchdog', sec(60)]],
      want: { status: 'failed', failureReason: 'watchdog' },
    },
  ] as Array<{ name: string; limits: Thresholds; steps: Array<[PingFacts | 'watchdog', number]>; want: Partial<Run> & { events?: string[] } }>)(
    '$name',
    ({ limits, steps, want }) => {
      const run = play(limits, steps);
      const { events, ...fields } = want;
      expect(run).toMatchObject(fields);
      if (events) expect(types(run)).toEqual(events);
    },
  );

  test('raised lists only the events of this transition', () => {
    const first = applyPing(null, ping('start'), WINDOW, MON, sec(0));
    const second = applyPing(first.run, ping('failure'), WINDOW, MON, sec(61));
    expect(second.raised.map((e) => e.type)).toEqual(['FAILED', 'DURATION_HIGH']);
    const third = applyPing(second.run, ping('failure'), WINDOW, MON, sec(62));
    expect(third.raised).toEqual([]);
  });

  test('overlapping runs of one monitor are independent', () => {
    const r1 = applyPing(null, ping('start', { runId: 'R1' }), WINDOW, MON, sec(0)).run;
    let r2 = applyPing(null, ping('start', { runId: 'R2' }), WINDOW, MON, sec(1)).run;
    r2 = applyPing(r2, ping('success', { runId: 'R2' }), WINDOW, MON, sec(20)).run;
    expect(r2.status).toBe('success');
    expect(expireRun(r1, sec(60)).run).toMatchObject({ runId: 'R1', status: 'failed', failureReason: 'watchdog' });
  });
});

describe('decideOutcome', () => {
  test.each([
    [{ kind: 'success', exitCode: null, reason: null }, 'success', null],
    [{ kind: 'success', exitCode: 0, reason: null }, 'success', null],
    [{ kind: 'success', exitCode: 2, reason: null }, 'failed', 'exit_code'],
    [{ kind: 'failure', exitCode: null, reason: null }, 'failed', 'failure_ping'],
    [{ kind: 'failure', exitCode: 0, reason: null }, 'failed', 'failure_ping'],
    [{ kind: 'failure', exitCode: 124, reason: 'timeout' }, 'failed', 'timeout'],
    [{ kind: 'failure', exitCode: 127, reason: 'spawn_error' }, 'failed', 'spawn_error'],
  ] as const)('%o -> %s/%s', (input, status, reason) => {
    expect(decideOutcome(input)).toEqual({ status, reason });
  });
});

describe('isOverdue', () => {
  test.each([
    ['running', sec(60), sec(59.999), false],
    ['running', sec(60), sec(60), true],
    ['running', sec(60), sec(60.001), true],
    ['running', null, sec(1e9), false],
    ['success', sec(60), sec(61), false],
  ] as const)('%s deadline %s at %s -> %s', (status, deadlineAt, now, want) => {
    expect(isOverdue({ status, deadlineAt }, now)).toBe(want);
  });
});
