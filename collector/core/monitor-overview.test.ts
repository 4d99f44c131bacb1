import { describe, expect, test } from 'vitest';
import { isStuck, needsDetail, openEvents, summarizeMonitor, type RecentRun, type RunDetail } from './monitor-overview.ts';

const T0 = Date.parse('2025-06-01T12:00:00Z');

type RunFields = { durationMs?: number | null } & Partial<RunDetail>;

function run(runId: string, status: RecentRun['status'], extra: RunFields = {}): RecentRun {
  const { durationMs = null, ...detail } = extra;
  return { status, durationMs, detail: { runId, firstSeenAt: T0, startedAt: T0, deadlineAt: null, events: [], ...detail } };
}

function bare(status: RecentRun['status'], durationMs: number | null = null): RecentRun {
  return { status, durationMs, detail: null };
}

describe('isStuck', () => {
  test.each([
    ['finished runs are never stuck', run('a', 'success', { deadlineAt: T0 }), 1000, T0 + 10, false],
    ['deadline not reached', run('a', 'running', { deadlineAt: T0 + 1000 }), null, T0 + 999, false],
    ['deadline reached and still running', run('a', 'running', { deadlineAt: T0 + 1000 }), null, T0 + 1000, true],
    ['no deadline, no history', run('a', 'running'), null, T0 + 86_400_000, false],
    ['no deadline, 3 x p95 not passed', run('a', 'running'), 30_000, T0 + 90_000, false],
    ['no deadline, 3 x p95 passed', run('a', 'running'), 30_000, T0 + 90_001, true],
    ['no deadline, short p95: at least a minute', run('a', 'running'), 1000, T0 + 59_000, false],
  ] as const)('%s', (_name, r, p95, now, expected) => {
    expect(isStuck({ status: r.status, ...r.detail! }, p95, now)).toBe(expected);
  });
});

describe('openEvents', () => {
  test('collects events newer than the last clean success, newest first', () => {
    const runs = [
      run('r4', 'running', { events: [{ type: 'DUPLICATE_START', at: T0 + 40, detail: 'start #2' }] }),
      run('r3', 'failed', { events: [{ type: 'FAILED', at: T0 + 30, detail: 'exit_code' }] }),
      run('r2', 'success', { events: [{ type: 'DURATION_HIGH', at: T0 + 20, detail: null }] }),
      run('r1', 'success'),
      run('r0', 'failed', { events: [{ type: 'FAILED', at: T0, detail: 'watchdog' }] }),
    ];
    expect(openEvents(runs).map((e) => `${e.runId}:${e.type}`)).toEqual(['r4:DUPLICATE_START', 'r3:FAILED', 'r2:DURATION_HIGH']);
  });
  test('runs read without details past the clean success do not matter', () => {
    expect(openEvents([run('r2', 'failed', { events: [{ type: 'FAILED', at: T0, detail: null }] }), run('r1', 'success'), bare('failed')]).map((e) => e.runId)).toEqual(['r2']);
  });
  test('a clean success closes everything before it', () => {
    expect(openEvents([run('r2', 'success'), run('r1', 'failed', { events: [{ type: 'FAILED', at: T0, detail: null }] })])).toEqual([]);
  });
});

describe('summarizeMonitor', () => {
  test('no runs: new', () => {
    expect(summarizeMonitor([], T0)).toMatchObject({ state: 'new', lastRunAt: null, successRate: null, p95DurationMs: null, runsCounted: 0 });
  });
  test('state follows the newest finished run; rate and p95 over finished runs', () => {
    const runs = [
      run('r3', 'failed', { startedAt: T0 + 3000, durationMs: 400 }),
      run('r2', 'success', { startedAt: T0 + 2000, durationMs: 100 }),
      run('r1', 'success', { startedAt: T0 + 1000, durationMs: 200 }),
      run('r0', 'success', { startedAt: T0, durationMs: 300 }),
    ];
    expect(summarizeMonitor(runs, T0 + 5000)).toMatchObject({
      state: 'failed',
      running: 0,
      lastRunAt: T0 + 3000,
      lastStatus: 'failed',
      successRate: 0.75,
      p95DurationMs: 400,
      runsCounted: 4,
    });
  });
  test('running beats finished; a stuck run beats running', () => {
    const finished = run('r0', 'success', { durationMs: 1000 });
    expect(summarizeMonitor([run('r1', 'running', { startedAt: T0 + 10 }), finished], T0 + 20).state).toBe('running');
    expect(summarizeMonitor([run('r1', 'running', { deadlineAt: T0 + 5 }), finished], T0 + 20).state).toBe('stuck');
  });
  test('only the newest 100 runs count; runs without details count by status and duration', () => {
    const runs = [run('ok0', 'success', { durationMs: 10 }), ...Array.from({ length: 99 }, (_, i) => bare('success', i + 20)), bare('failed')];
    expect(summarizeMonitor(runs, T0)).toMatchObject({ successRate: 1, runsCounted: 100, p95DurationMs: 113, lastRunAt: T0 });
  });
});

describe('needsDetail', () => {
  test.each([
    [0, 'success', false, true],
    [5, 'running', false, true],
    [5, 'failed', true, true],
    [5, 'failed', false, false],
    [5, 'success', false, false],
  ] as const)('index %i, %s, before a clean success %s: %s', (index, status, before, expected) => {
    expect(needsDetail(index, status, before)).toBe(expected);
  });
});
