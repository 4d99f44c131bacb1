// `drumbeats login` once, then `drumbeats run` finds the collector and key in
// the config file (flag > env > config file > default), and a broken config
// file never breaks the job.

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RunDetailJson } from '../shared/protocol.ts';
import { refusedUrl } from './fixtures/fake-collector.ts';
import { cleanupTempDirs, makeTempDir, runCli, startTestCollector, type TestCollector } from './helpers/collector.ts';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector();
});
afterAll(async () => {
  await collector?.stop();
  cleanupTempDirs();
});

test('run reads url and api key from the config file (slug lookup needs the key)', async () => {
  const monitor = await collector.createMonitor({ name: 'From config' });
  const configDir = makeTempDir();
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ url: collector.url, api_key: collector.apiKey }), { mode: 0o600 });
  const env = { DRUMBEATS_CONFIG_DIR: configDir, DRUMBEATS_SPOOL_DIR: makeTempDir(), DRUMBEATS_URL: '', DRUMBEATS_API_KEY: '' };
  const result = await runCli(['run', '--monitor', monitor.slug, '--run-id', 'cfg-1', '--', 'sh', '-c', 'exit 4'], { env });
  expect(result.exitCode).toBe(4);
  expect(result.stderr).toBe('');
  const run = await collector.api<RunDetailJson>('GET', `/v1/runs/cfg-1?monitor=${monitor.id}`);
  expect(run).toMatchObject({ status: 'failed', failure_reason: 'exit_code', exit_code: 4 });
});

test('a broken config file is one warning; the job still runs with its exit code', async () => {
  const configDir = makeTempDir();
  writeFileSync(join(configDir, 'config.json'), '{not json');
  const env = { DRUMBEATS_CONFIG_DIR: configDir, DRUMBEATS_SPOOL_DIR: makeTempDir(), DRUMBEATS_URL: collector.url };
  const result = await runCli(['run', '--monitor', 'mon_AAAAAAAAAAAAAAAAAAAAAA', '--', 'sh', '-c', 'echo job ran; exit 6'], { env });
  expect(result.exitCode).toBe(6);
  expect(result.stdout).toBe('job ran\n');
  expect(String(result.stderr)).toMatch(/config\.json is not valid JSON.*ignoring the config file/);
});

// ~/.config/drumbeats/config.json holding `{broken`, found through XDG_CONFIG_HOME.
function brokenConfigHome(): string {
  const home = makeTempDir();
  mkdirSync(join(home, 'drumbeats'));
  writeFileSync(join(home, 'drumbeats', 'config.json'), '{broken');
  return home;
}

test('a broken config file does not hide that the job then runs unmonitored', async () => {
  const env = { XDG_CONFIG_HOME: brokenConfigHome(), DRUMBEATS_CONFIG_DIR: '', DRUMBEATS_URL: '', DRUMBEATS_API_KEY: '', DRUMBEATS_SPOOL_DIR: makeTempDir() };
  const result = await runCli(['run', '--monitor', 'nightly-backup', '--', 'sh', '-c', 'echo x; exit 3'], { env });
  expect(result.exitCode).toBe(3);
  expect(result.stdout).toBe('x\n');
  const lines = String(result.stderr).split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^drumbeats: .*config\.json is not valid JSON.*; ignoring the config file$/);
  expect(lines[1]).toMatch(/^drumbeats: "nightly-backup" is not a monitor id .*no API key.*; the job runs unmonitored$/);
  expect(lines[2]).toBe('');
});

test('a broken config file does not hide that pings were spooled', async () => {
  const spool = makeTempDir();
  const down = await refusedUrl();
  const env = { XDG_CONFIG_HOME: brokenConfigHome(), DRUMBEATS_CONFIG_DIR: '', DRUMBEATS_URL: down, DRUMBEATS_API_KEY: '', DRUMBEATS_SPOOL_DIR: spool };
  const result = await runCli(['run', '--monitor', 'mon_AAAAAAAAAAAAAAAAAAAAAA', '--', 'sh', '-c', 'echo x'], { env });
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toBe('x\n');
  const lines = String(result.stderr).split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/config\.json is not valid JSON.*; ignoring the config file$/);
  expect(lines[1]).toBe(
    `drumbeats: could not reach the collector at ${down} (connection refused); saved 2 pings to ${spool}, sent later by the next "drumbeats run" or by "drumbeats flush"`,
  );
  expect(readdirSync(spool).filter((name) => name.endsWith('.json'))).toHaveLength(2);
});

test('drumbeats ping: a broken config file does not hide that the ping was not sent', async () => {
  const env = { XDG_CONFIG_HOME: brokenConfigHome(), DRUMBEATS_CONFIG_DIR: '', DRUMBEATS_URL: '', DRUMBEATS_API_KEY: '', DRUMBEATS_SPOOL_DIR: makeTempDir() };
  const result = await runCli(['ping', 'success', '--monitor', 'nightly-backup', '--run-id', 'r1'], { env });
  expect(result.exitCode).toBe(0);
  expect(String(result.stderr)).toMatch(/ignoring the config file\ndrumbeats: "nightly-backup" is not a monitor id .*; ping not sent\n$/);
});

test('--quiet silences both', async () => {
  const env = { XDG_CONFIG_HOME: brokenConfigHome(), DRUMBEATS_CONFIG_DIR: '', DRUMBEATS_URL: '', DRUMBEATS_API_KEY: '', DRUMBEATS_SPOOL_DIR: makeTempDir() };
  const result = await runCli(['run', '-q', '--monitor', 'nightly-backup', '--', 'sh', '-c', 'echo x'], { env });
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toBe('x\n');
  expect(result.stderr).toBe('');
});
