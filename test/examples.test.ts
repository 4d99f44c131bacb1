// The examples/ a newcomer copies from, run for real against a real collector:
// the curl-only workflow, the wrapped backup script and the CI step. What each
// stores is what the README promises it does.

import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MonitorJson, RunDetailJson, RunListJson } from '../shared/protocol.ts';
import { CLI, REPO_ROOT, cleanupTempDirs, makeTempDir, runCli, startTestCollector, type TestCollector } from './helpers/collector.ts';

let collector: TestCollector;

beforeAll(async () => {
  collector = await startTestCollector();
});

afterAll(async () => {
  await collector?.stop();
  cleanupTempDirs();
});

const example = (name: string) => join(REPO_ROOT, 'examples', name);

async function onlyRun(monitor: MonitorJson): Promise<RunDetailJson> {
  const { runs } = await collector.api<RunListJson>('GET', `/v1/runs?monitor=${monitor.id}`);
  expect(runs).toHaveLength(1);
  return collector.api<RunDetailJson>('GET', `/v1/runs/${encodeURIComponent(runs[0]!.run_id)}?monitor=${monitor.id}`);
}

describe('examples/invoice-workflow.sh (curl alone)', () => {
  test('one run: a start, a /log per step with its message, a success with the JSON body', async () => {
    const monitor = await collector.createMonitor({ name: 'Invoice workflow' });
    const result = await execa(example('invoice-workflow.sh'), [], {
      reject: false,
      env: { DRUMBEATS_PING_URL: collector.pingBase(monitor) },
      timeout: 20_000,
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^invoice run invoice_evt_\d+_\d+ done$/);

    const run = await onlyRun(monitor);
    expect(run.status).toBe('success');
    expect(run.pings.map((p) => p.kind)).toEqual(['start', 'log', 'log', 'log', 'success']);
    expect(run.pings.map((p) => p.message).slice(1, 4)).toEqual(['Pulled 48 entries', 'PDF rendered', 'Uploaded']);
    const success = run.pings.at(-1)!;
    expect(success.content_type).toBe('application/json');
    expect(JSON.parse(success.payload!)).toEqual({ invoice: run.run_id, lines: 48 });
    // The steps sleep 0.2 + 0.3 + 0.1 + 0.1 s: the collector's receive times see at least that.
    expect(run.duration_ms).toBeGreaterThanOrEqual(650);
  });

  test('a collector that is gone never fails the invoice run', async () => {
    const result = await execa(example('invoice-workflow.sh'), [], {
      reject: false,
      env: { DRUMBEATS_PING_URL: 'http://127.0.0.1:1/v1/ping/mon_0000000000000000000000' },
      timeout: 60_000,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/done$/);
  });
});

describe('examples/backup.sh wrapped by drumbeats run', () => {
  test('its milestones become /log pings and the run succeeds', async () => {
    const monitor = await collector.createMonitor({ name: 'Nightly backup', max_duration_seconds: 60 });
    const dest = makeTempDir();
    const result = await runCli(['run', '--monitor', monitor.slug, '--url', collector.url, '--', example('backup.sh'), example(''), dest], {
      env: { DRUMBEATS_API_KEY: collector.apiKey, DRUMBEATS_SPOOL_DIR: makeTempDir() },
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);

    const run = await onlyRun(monitor);
    expect(run.status).toBe('success');
    expect(run.exit_code).toBe(0);
    const logs = run.pings.filter((p) => p.kind === 'log').map((p) => p.message);
    expect(logs).toHaveLength(3);
    expect(logs[0]).toMatch(/^archived \d+ KiB$/);
    expect(logs[1]).toMatch(/^verified \d+ entries$/);
    expect(logs[2]).toBe('pruned old archives');
  });

  test('a folder that does not exist: the script exits 2, the wrapper keeps its code and stores failed/exit_code', async () => {
    const monitor = await collector.createMonitor({ name: 'Broken backup' });
    const result = await runCli(['run', '--monitor', monitor.slug, '--url', collector.url, '--', example('backup.sh'), '/no/such/folder', makeTempDir()], {
      env: { DRUMBEATS_API_KEY: collector.apiKey, DRUMBEATS_SPOOL_DIR: makeTempDir() },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('/no/such/folder');

    const run = await onlyRun(monitor);
    expect(run).toMatchObject({ status: 'failed', failure_reason: 'exit_code', exit_code: 2 });
    expect(run.pings.at(-1)!.payload).toContain('/no/such/folder');
  });
});

describe('examples/ci-step.sh', () => {
  test('the run id comes from the pipeline, the monitor from DRUMBEATS_MONITOR', async () => {
    const monitor = await collector.createMonitor({ name: 'CI tests' });
    // The script calls `drumbeats` from PATH, as on a CI runner with it installed.
    const binDir = mkdtempSync(join(makeTempDir(), 'bin-'));
    await execa('sh', ['-c', `printf '#!/bin/sh\\nexec "%s" "%s" "$@"\\n' "$0" "$1" > "$2/drumbeats" && chmod +x "$2/drumbeats"`, process.execPath, CLI, binDir]);
    const result = await execa(example('ci-step.sh'), [], {
      reject: false,
      env: {
        PATH: `${binDir}:${process.env.PATH}`,
        DRUMBEATS_URL: collector.url,
        DRUMBEATS_API_KEY: collector.apiKey,
        DRUMBEATS_MONITOR: monitor.id,
        DRUMBEATS_SPOOL_DIR: makeTempDir(),
        GITHUB_RUN_ID: '4242',
        GITHUB_RUN_ATTEMPT: '2',
      },
      timeout: 20_000,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('running 42 tests');

    const run = await onlyRun(monitor);
    expect(run.run_id).toMatch(/^ci-4242-2-\d+$/);
    expect(run.status).toBe('success');
    expect(run.pings.filter((p) => p.kind === 'log').map((p) => p.message)).toEqual(['dependencies installed', 'tests passed']);
  });
});
