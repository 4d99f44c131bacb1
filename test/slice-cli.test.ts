// The vertical slice's CLI: monitors create/ls and runs ls, driven as a user
// would drive them, against a real collector.

import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MonitorJson, RunJson } from '../shared/protocol.ts';
import { CLI, cleanupTempDirs, runCli, startTestCollector, type TestCollector } from './helpers/collector.ts';

let collector: TestCollector;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  collector = await startTestCollector();
  env = { DRUMBEATS_URL: collector.url, DRUMBEATS_API_KEY: collector.apiKey };
});
afterAll(async () => {
  await collector?.stop();
  cleanupTempDirs();
});

describe('monitors', () => {
  test('create --json prints one JSON object with id, slug, thresholds and ping URL', async () => {
    const result = await runCli(['monitors', 'create', 'Nightly DB backup', '--min-duration', '0.5', '--max-duration', '90.25', '--json'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const monitor = JSON.parse(String(result.stdout)) as MonitorJson;
    expect(monitor).toMatchObject({ name: 'Nightly DB backup', slug: 'nightly-db-backup', min_duration_seconds: 0.5, max_duration_seconds: 90.25 });
    expect(monitor.id).toMatch(/^mon_[A-Za-z0-9_-]{22}$/);
    expect(monitor.ping_url).toBe(`${collector.url}/v1/ping/${monitor.id}`);
  });

  test('a second monitor with the same name gets the next free slug', async () => {
    const result = await runCli(['monitors', 'create', 'Nightly DB backup', '--json'], { env });
    expect(JSON.parse(String(result.stdout)).slug).toBe('nightly-db-backup-2');
  });

  test('create without --json tells the user how to ping', async () => {
    const result = await runCli(['monitors', 'create', 'Stripe webhooks'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('ping URL:');
    expect(result.stdout).toContain('drumbeats run --monitor stripe-webhooks -- <command>');
  });

  test('ls --json lists them; ls prints a table', async () => {
    const json = await runCli(['monitors', 'ls', '--json'], { env });
    const monitors = JSON.parse(String(json.stdout)) as MonitorJson[];
    expect(monitors.map((m) => m.slug)).toEqual(expect.arrayContaining(['nightly-db-backup', 'nightly-db-backup-2', 'stripe-webhooks']));
    const table = await runCli(['monitors', 'ls'], { env });
    expect(table.stdout).toMatch(/^SLUG\s+NAME/);
    expect(table.stdout).not.toMatch(/\x1b\[/);
  });

  test.each([
    [['monitors', 'create', 'x', '--max-duration', 'soon'], 2, /not a number of seconds/],
    [['monitors', 'create', 'x', '--min-duration', '10', '--max-duration', '5'], 2, /--min-duration \(10 s\) must not exceed --max-duration \(5 s\)/],
    [['monitors', 'frobnicate'], 2, /unknown command/],
  ])('bad input %j: exit %i, one line on stderr', async (args, code, message) => {
    const result = await runCli(args, { env });
    expect(result.exitCode).toBe(code);
    expect(String(result.stderr)).toMatch(message);
    expect(String(result.stderr).trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  test('a wrong key and an unreachable collector say what to do, with their exit codes', async () => {
    const denied = await runCli(['monitors', 'ls'], { env: { ...env, DRUMBEATS_API_KEY: 'wrong' } });
    expect(denied.exitCode).toBe(4);
    expect(denied.stderr).toMatch(/invalid API key .*DRUMBEATS_API_KEY/);
    const away = await runCli(['monitors', 'ls'], { env: { ...env, DRUMBEATS_URL: 'http://127.0.0.1:9' } });
    expect(away.exitCode).toBe(3);
    expect(away.stderr).toMatch(/cannot reach the collector at http:\/\/127\.0\.0\.1:9/);
    const noKey = await runCli(['monitors', 'ls'], { env: { DRUMBEATS_URL: collector.url, DRUMBEATS_API_KEY: '' } });
    expect(noKey.exitCode).toBe(2);
    expect(noKey.stderr).toMatch(/no API key/);
  });
});

describe('runs ls', () => {
  test('--json prints the documented keys; filters by monitor, status and limit', async () => {
    const monitor = await collector.createMonitor({ name: 'Runs ls' });
    const base = collector.pingBase(monitor);
    await fetch(`${base}/start?run_id=ok-1`);
    await fetch(`${base}/success?run_id=ok-1`);
    await fetch(`${base}/start?run_id=bad-1`);
    await fetch(`${base}/3?run_id=bad-1`);
    await fetch(`${base}/start?run_id=dup-1`);
    await fetch(`${base}/start?run_id=dup-1`);

    const all = await runCli(['runs', 'ls', '--monitor', monitor.slug, '--json'], { env });
    expect(all.exitCode).toBe(0);
    const runs = JSON.parse(String(all.stdout)) as RunJson[];
    expect(runs.map((r) => r.run_id)).toEqual(['dup-1', 'bad-1', 'ok-1']);
    for (const run of runs) {
      expect(Object.keys(run)).toEqual(
        expect.arrayContaining(['run_id', 'monitor_id', 'status', 'failure_reason', 'started_at', 'ended_at', 'duration_ms', 'exit_code', 'start_count', 'events']),
      );
    }
    expect(runs[0]).toMatchObject({ status: 'running', start_count: 2, events: [{ type: 'DUPLICATE_START' }] });
    expect(runs[1]).toMatchObject({ status: 'failed', failure_reason: 'exit_code', exit_code: 3, events: [{ type: 'FAILED' }] });

    const failed = await runCli(['runs', 'ls', '--monitor', monitor.slug, '--status', 'failed', '--json'], { env });
    expect((JSON.parse(String(failed.stdout)) as RunJson[]).map((r) => r.run_id)).toEqual(['bad-1']);
    const one = await runCli(['runs', 'ls', '--monitor', monitor.id, '--limit', '1', '--json'], { env });
    expect(JSON.parse(String(one.stdout))).toHaveLength(1);

    const table = await runCli(['runs', 'ls', '--monitor', monitor.slug], { env });
    const lines = String(table.stdout).trim().split('\n');
    expect(lines[0]).toMatch(/^MONITOR\s+RUN ID\s+STATUS\s+STARTED\s+DURATION\s+EXIT\s+EVENTS$/);
    expect(lines[2]).toMatch(/^runs-ls\s+bad-1\s+failed \(exit_code\)\s+.*\s3\s+FAILED$/);
  });

  test('an unknown monitor is a clear error with exit 5', async () => {
    const result = await runCli(['runs', 'ls', '--monitor', 'no-such-monitor'], { env });
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/no monitor with id or slug "no-such-monitor"/);
  });
});

test('output piped into head: the CLI stops quietly with 0, no EPIPE trace', async () => {
  const result = await execa('bash', ['-c', `"${process.execPath}" "${CLI}" runs --help | head -1 >/dev/null; exit \${PIPESTATUS[0]}`], { reject: false });
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
});
