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

test('a port browsers and fetch() refuse (10080) is refused at start: one line, exit 2', async () => {
  const result = await runCli(['collector', '--port', '10080', '--data-dir', makeTempDir()]);
  expect(result.exitCode).toBe(2);
  expect(String(result.stderr).trim()).toBe(
    'drumbeats: port 10080 is one that browsers and fetch() refuse to connect to (a "bad port" of the Fetch standard): the dashboard and the CLI could not reach it; pick another with --port',
  );
});

test('--public-url must be an http(s) URL; a trailing slash is dropped from the ping URLs it makes', async () => {
  const bad = await runCli(['collector', '--port', '0', '--data-dir', makeTempDir(), '--public-url', 'notaurl']);
  expect(bad.exitCode).toBe(2);
  expect(String(bad.stderr).trim()).toBe('drumbeats: --public-url "notaurl" must be an http:// or https:// URL such as https://drumbeats.example.com');

  const collector = await startTestCollector({ args: ['--public-url', 'https://jobs.example.com/'] });
  try {
    const created = await runCli(['monitors', 'create', 'Public', '--json', '--url', collector.url, '--api-key', collector.apiKey]);
    expect(JSON.parse(String(created.stdout)).ping_url).toMatch(/^https:\/\/jobs\.example\.com\/v1\/ping\/mon_/);
  } finally {
    await collector.stop();
  }
});
