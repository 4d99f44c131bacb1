// Starting a collector: what it creates on disk and how it refuses bad set-ups.

import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { cleanupTempDirs, makeTempDir, runCli, startTestCollector } from './helpers/collector.ts';

afterAll(cleanupTempDirs);

test('the database and the generated key are readable by the owner alone', async () => {
  const dataDir = makeTempDir();
  const collector = await startTestCollector({ dataDir, env: { DRUMBEATS_API_KEY: '' } });
  try {
    const monitor = await fetch(`${collector.url}/healthz`);
    expect(monitor.status).toBe(200);
    expect(statSync(join(dataDir, 'drumbeats.sqlite')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'api-key')).mode & 0o777).toBe(0o600);
  } finally {
    await collector.stop();
  }
});

test('a data dir that is a file: one clear line, exit 2', async () => {
  const file = join(makeTempDir(), 'not-a-dir');
  writeFileSync(file, 'x');
  const result = await runCli(['collector', '--port', '0', '--data-dir', file]);
  expect(result.exitCode).toBe(2);
  expect(String(result.stderr).trim()).toBe(`drumbeats: data dir ${file} is not a directory: pass another with --data-dir`);
});
