// Directories that cannot be made, such as anything under /proc (where
// Node's own recursive mkdir spins forever): the collector refuses in one
// line, and the wrapper still runs the job, keeps its exit code and says what
// was lost, within its usual bound.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanupTempDirs, makeTempDir, runCli } from './helpers/collector.ts';

afterAll(cleanupTempDirs);

const UNMAKEABLE = '/proc/drumbeats-test-nope/dir';
const DEAD_URL = 'http://127.0.0.1:1';
const MON = 'mon_0000000000000000000000';

describe.skipIf(process.platform !== 'linux')('a directory that cannot be made', () => {
  test('collector --data-dir: one line naming the dir, exit 2', async () => {
    const result = await runCli(['collector', '--port', '0', '--data-dir', UNMAKEABLE], { timeout: 10_000 });
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr).trim()).toMatch(/^drumbeats: cannot create the data dir \/proc\/drumbeats-test-nope\/dir: ENOENT: .*: pass another with --data-dir$/);
  });

  test('run with a dead collector and such a spool: the job keeps its code, the loss is said once', async () => {
    const result = await runCli(['run', '--monitor', MON, '--url', DEAD_URL, '--', 'sh', '-c', 'echo job; exit 3'], {
      env: { DRUMBEATS_SPOOL_DIR: UNMAKEABLE },
      timeout: 10_000,
    });
    expect(result.stdout).toBe('job\n');
    expect(result.exitCode).toBe(3);
    expect(String(result.stderr)).toMatch(/nor save to \/proc\/drumbeats-test-nope\/dir \(ENOENT: no such file or directory/);
    expect(String(result.stderr)).not.toMatch(/ENOENT: ENOENT/);
  });

  test('ping start still prints the run id', async () => {
    const result = await runCli(['ping', 'start', '--monitor', MON, '--url', DEAD_URL], { env: { DRUMBEATS_SPOOL_DIR: UNMAKEABLE }, timeout: 10_000 });
    expect(result.stdout).toMatch(/^[\w-]+\n$/);
  });

  test('config set under such a config home: one line, non-zero exit', async () => {
    const result = await runCli(['config', 'set', 'url', 'http://x:1'], { env: { XDG_CONFIG_HOME: '/proc/drumbeats-test-nope' }, timeout: 10_000 });
    expect(result.exitCode).not.toBe(0);
    expect(String(result.stderr).trim().split('\n')).toHaveLength(1);
  });
});

test('a spool dir that does not exist yet is made for the owner alone', async () => {
  const spool = join(makeTempDir(), 'a', 'b', 'spool');
  const result = await runCli(['run', '--monitor', MON, '--url', DEAD_URL, '--', 'true'], { env: { DRUMBEATS_SPOOL_DIR: spool }, timeout: 10_000 });
  expect(result.exitCode).toBe(0);
  expect(statSync(spool).mode & 0o777).toBe(0o700);
  expect(statSync(join(spool, '..')).mode & 0o777).toBe(0o700);
});
