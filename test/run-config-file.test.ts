// `drumbeats login` once, then `drumbeats run` finds the collector and key in
// the config file (flag > env > config file > default), and a broken config
// file never breaks the job.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RunDetailJson } from '../shared/protocol.ts';
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
