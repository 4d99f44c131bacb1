// `drumbeats monitors show|update|rm` and GET /v1/monitors/:id/stats, against
// a real collector.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MonitorJson, MonitorStatsJson } from '../shared/protocol.ts';
import { cleanupTempDirs, makeTempDir, runCli, startTestCollector, type TestCollector } from './helpers/collector.ts';

let collector: TestCollector;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  collector = await startTestCollector();
  env = { DRUMBEATS_URL: collector.url, DRUMBEATS_API_KEY: collector.apiKey, DRUMBEATS_CONFIG_DIR: makeTempDir() };
});
afterAll(async () => {
  await collector?.stop();
  cleanupTempDirs();
});

const STATS_KEYS = [
  'above_max',
  'below_min',
  'duration_ms',
  'failed',
  'first_started_at',
  'histogram',
  'last_started_at',
  'max_duration_seconds',
  'min_duration_seconds',
  'monitor_id',
  'runs',
  'running',
  'success',
  'success_rate',
  'window',
];

describe('monitors show', () => {
  test('stats over the latest runs: counts, success rate, durations, histogram and thresholds', async () => {
    const monitor = await collector.createMonitor({ name: 'Backup', min_duration_seconds: 0.5, max_duration_seconds: 3 });
    const base = collector.pingBase(monitor);
    // Durations measured by the wrapper are taken as sent.
    const durations = [1000, 1200, 1400, 1600, 4000];
    for (const [i, d] of durations.entries()) await fetch(`${base}/0?run_id=ok-${i}&duration_ms=${d}`);
    await fetch(`${base}/2?run_id=bad-1&duration_ms=200`);
    await fetch(`${base}/start?run_id=still-running`);

    const result = await runCli(['monitors', 'show', monitor.slug, '--json'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const { monitor: shown, stats } = JSON.parse(String(result.stdout)) as { monitor: MonitorJson; stats: MonitorStatsJson };
    expect(shown.id).toBe(monitor.id);
    expect(Object.keys(stats).sort()).toEqual([...STATS_KEYS].sort());
    expect(stats).toMatchObject({
      window: 100,
      runs: 7,
      running: 1,
      success: 5,
      failed: 1,
      success_rate: 5 / 6,
      duration_ms: { count: 6, min: 200, avg: 1567, p50: 1200, p95: 4000, max: 4000 },
      min_duration_seconds: 0.5,
      max_duration_seconds: 3,
      above_max: 1,
      below_min: 0, // bad-1 ended in 200 ms, but as a failure: not the quick "success" DURATION_LOW flags
    });
    expect(stats.histogram).toHaveLength(10);
    expect(stats.histogram.reduce((sum, b) => sum + b.count, 0)).toBe(6);
    expect(stats.histogram[0]).toMatchObject({ from_ms: 200 });
    expect(stats.histogram.at(-1)).toMatchObject({ to_ms: 4000, count: 1 });

    const text = await runCli(['monitors', 'show', monitor.slug], { env });
    const out = String(text.stdout);
    expect(out).toMatch(/^Runs:\s+7 runs \(5 succeeded, 1 failed, 1 running\)$/m);
    expect(out).toMatch(/^Success rate:\s+83\.3%$/m);
    expect(out).toMatch(/^Duration:\s+min 200 ms · avg 1\.57 s · p95 4\.00 s · max 4\.00 s$/m);
    expect(out).toMatch(/^Thresholds:\s+min 500 ms, max 3\.00 s$/m);
    expect(out).toMatch(/^Durations \(6 finished runs\)$/m);
    expect(out).toMatch(/^ {2}200 ms – 580 ms {2}█+\s+1$/m);
    expect(out).toMatch(/^ {2}3.62 s – 4.00 s {2}█+\s+1$/m);
    expect(out).not.toMatch(/\x1b\[/);

    const window = await collector.api<MonitorStatsJson>('GET', `/v1/monitors/${monitor.id}/stats?runs=2&buckets=3`);
    expect(window).toMatchObject({ window: 2, runs: 2 });
  });

  test('a monitor without runs shows dashes, not errors', async () => {
    const monitor = await collector.createMonitor({ name: 'Brand new' });
    const result = await runCli(['monitors', 'show', monitor.id], { env });
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toMatch(/^Success rate:\s+—$/m);
    const json = JSON.parse(String((await runCli(['monitors', 'show', monitor.id, '--json'], { env })).stdout));
    expect(json.stats).toMatchObject({ runs: 0, success_rate: null, duration_ms: null, histogram: [] });
  });

  test('unknown monitor: exit 5', async () => {
    const result = await runCli(['monitors', 'show', 'nope'], { env });
    expect(result.exitCode).toBe(5);
    expect(String(result.stderr).trim().split('\n')).toEqual(['drumbeats: no monitor with id or slug "nope"']);
  });
});

describe('monitors update and rm', () => {
  test('update renames, changes and clears thresholds', async () => {
    const monitor = await collector.createMonitor({ name: 'Reports', max_duration_seconds: 60 });
    const updated = await runCli(
      ['monitors', 'update', monitor.slug, '--name', 'Weekly reports', '--slug', 'weekly-reports', '--min-duration', '1.5', '--max-duration', 'none', '--json'],
      { env },
    );
    expect(updated.exitCode).toBe(0);
    expect(JSON.parse(String(updated.stdout))).toMatchObject({
      id: monitor.id,
      name: 'Weekly reports',
      slug: 'weekly-reports',
      min_duration_seconds: 1.5,
      max_duration_seconds: null,
    });
    const nothing = await runCli(['monitors', 'update', 'weekly-reports'], { env });
    expect(nothing.exitCode).toBe(2);
    expect(nothing.stderr).toMatch(/nothing to change/);
  });

  test.each([
    [['update', 'checked', '--max-duration', '2678400.5'], '--max-duration must be at most 31 days (2678400 seconds)'],
    [['update', 'checked', '--max-duration', '0'], '--max-duration must be greater than 0 (leave it out, or "none" on update, for no maximum)'],
    [['update', 'checked', '--max-duration', '5'], "the monitor's min duration (10 s) must not exceed --max-duration (5 s)"],
    [['update', 'checked', '--name', ' '], 'the name must not be empty'],
    [['create', 'Other', '--min-duration', '9', '--max-duration', '3'], '--min-duration (9 s) must not exceed --max-duration (3 s)'],
    [['create', 'Other', '--max-duration', '0.0001'], "--max-duration 0.0001 is under a millisecond, the collector's unit: use at least 0.001 (or leave it out for no maximum)"],
    [['update', 'checked', '--min-duration', '0.0002'], "--min-duration 0.0002 is under a millisecond, the collector's unit: use 0 or at least 0.001"],
    [['create', 'Other', '--max-duration', '0x10'], '--max-duration "0x10" is not a number of seconds: use plain decimals, e.g. 90 or 1.5'],
    [['create', 'Other', '--min-duration', '1e3'], '--min-duration "1e3" is not a number of seconds: use plain decimals, e.g. 90 or 1.5'],
    [['update', 'checked', '--max-duration', '-5'], '--max-duration "-5" is not a number of seconds: use plain decimals, e.g. 90 or 1.5'],
    [['create', 'Other', '--slug', 'Bad Slug!'], '--slug "Bad Slug!" must be 1-64 lowercase letters, digits and inner dashes, e.g. nightly-backup'],
    [['update', 'checked', '--slug', 'trailing-'], '--slug "trailing-" must be 1-64 lowercase letters, digits and inner dashes, e.g. nightly-backup'],
  ])('monitors %j: one clear line, exit 2, nothing changed', async (args, message) => {
    const monitor = (await collector.api<{ monitors: MonitorJson[] }>('GET', '/v1/monitors')).monitors.find((m) => m.slug === 'checked') ??
      (await collector.createMonitor({ name: 'Checked', slug: 'checked', min_duration_seconds: 10, max_duration_seconds: 60 }));
    const result = await runCli(['monitors', ...args], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`drumbeats: ${message}\n`);
    expect(await collector.api('GET', `/v1/monitors/${monitor.id}`)).toEqual(monitor);
    expect((await collector.api<{ monitors: MonitorJson[] }>('GET', '/v1/monitors')).monitors.map((m) => m.name)).not.toContain('Other');
  });

  test('PATCH with null removes a threshold (null is not read as 0)', async () => {
    const monitor = await collector.createMonitor({ name: 'Nullable', min_duration_seconds: 2, max_duration_seconds: 60 });
    const cleared = await collector.apiRaw('PATCH', `/v1/monitors/${monitor.id}`, { max_duration_seconds: null });
    expect(cleared).toMatchObject({ status: 200, json: { min_duration_seconds: 2, max_duration_seconds: null } });
    const both = await collector.apiRaw('PATCH', `/v1/monitors/${monitor.id}`, { min_duration_seconds: null, max_duration_seconds: 30 });
    expect(both).toMatchObject({ status: 200, json: { min_duration_seconds: null, max_duration_seconds: 30 } });
  });

  test.each(['tab\there', 'new\nline', 'carriage\rreturn', 'nul\u0000', 'esc\u001b[31m', 'del\u007f', '   '])(
    'a monitor name %j is refused: 400 with a clear message, on create and on update',
    async (name) => {
      const hint = 'body name: must not be blank or contain control characters (tabs, newlines)';
      expect(await collector.apiRaw('POST', '/v1/monitors', { name })).toEqual({ status: 400, json: { error: { code: 'invalid_request', message: hint } } });
      const monitor = await collector.createMonitor({ name: `Fine ${encodeURIComponent(name)}` });
      expect(await collector.apiRaw('PATCH', `/v1/monitors/${monitor.id}`, { name })).toEqual({ status: 400, json: { error: { code: 'invalid_request', message: hint } } });
    },
  );

  test('the API names a zero max even when a min is set', async () => {
    const response = await collector.apiRaw('POST', '/v1/monitors', { name: 'Zero', min_duration_seconds: 5, max_duration_seconds: 0 });
    expect(response).toEqual({ status: 400, json: { error: { code: 'invalid_thresholds', message: 'max_duration_seconds must be greater than 0' } } });
  });

  test('rm needs --yes when not on a terminal, then deletes the monitor and its runs', async () => {
    const monitor = await collector.createMonitor({ name: 'Old job' });
    await fetch(`${collector.pingBase(monitor)}/start?run_id=old-1`);
    const refused = await runCli(['monitors', 'rm', monitor.slug], { env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/pass --yes to confirm/);
    expect((await collector.apiRaw('GET', `/v1/monitors/${monitor.id}`)).status).toBe(200);

    const removed = await runCli(['monitors', 'rm', monitor.slug, '--yes'], { env });
    expect(removed.exitCode).toBe(0);
    expect(removed.stdout).toBe('Deleted monitor "Old job" (old-job).\n');
    expect((await collector.apiRaw('GET', `/v1/monitors/${monitor.id}`)).status).toBe(404);
    expect((await collector.apiRaw('GET', '/v1/runs/old-1')).status).toBe(404);
  });
});
