// `drumbeats login`, `config` and `status`: settings kept in the user's config
// file (mode 0600), resolved flag > env > config > default, and a doctor that
// says what is wrong. Every test points DRUMBEATS_CONFIG_DIR at a temp dir.

import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StatusJson } from '../cli/commands/status.ts';
import { cleanupTempDirs, makeTempDir, runCli, startTestCollector, type TestCollector } from './helpers/collector.ts';

let collector: TestCollector;

beforeAll(async () => {
  collector = await startTestCollector();
});
afterAll(async () => {
  await collector?.stop();
  cleanupTempDirs();
});

// No URL or key from the test runner's environment: only what each test gives.
const clean = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  DRUMBEATS_URL: undefined,
  DRUMBEATS_API_KEY: undefined,
  DRUMBEATS_SPOOL_DIR: makeTempDir(),
  DRUMBEATS_CONFIG_DIR: makeTempDir(),
  ...extra,
});

describe('login and config', () => {
  test('login checks the key, saves url and key in a 0600 file, and later commands use them', async () => {
    const env = clean();
    const login = await runCli(['login', '--url', `${collector.url}/`, '--api-key', collector.apiKey], { env });
    expect(login.exitCode).toBe(0);
    expect(login.stdout).toMatch(new RegExp(`^Logged in to ${collector.url}: key accepted, \\d+ monitors?\\.`));
    const file = join(env.DRUMBEATS_CONFIG_DIR!, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: collector.url, api_key: collector.apiKey });

    const ls = await runCli(['monitors', 'ls', '--json'], { env });
    expect(ls.exitCode).toBe(0);
    expect(Array.isArray(JSON.parse(String(ls.stdout)))).toBe(true);

    expect((await runCli(['config', 'get', 'url'], { env })).stdout).toBe(`${collector.url}\n`);
    expect(JSON.parse(String((await runCli(['config', 'get', 'api_key', '--json'], { env })).stdout))).toEqual({ key: 'api_key', value: collector.apiKey });

    const list = await runCli(['config', 'list'], { env });
    expect(list.stdout).not.toContain(collector.apiKey);
    expect(list.stdout).toMatch(/^api_key {2}test…6789$/m);
    const listJson = await runCli(['config', 'list', '--json'], { env });
    expect(listJson.stdout).not.toContain(collector.apiKey);
    expect(JSON.parse(String(listJson.stdout))).toMatchObject({
      stored: { url: collector.url, api_key: 'test…6789' },
      effective: { api_key_set: true, api_key_source: 'config' },
    });
  });

  test('a refused key is not saved: exit 4', async () => {
    const env = clean();
    const login = await runCli(['login', '--url', collector.url, '--api-key', 'wrong-key'], { env });
    expect(login.exitCode).toBe(4);
    expect(String(login.stderr).trim().split('\n')).toHaveLength(1);
    expect(() => statSync(join(env.DRUMBEATS_CONFIG_DIR!, 'config.json'))).toThrow();
  });

  test('login --api-key-stdin reads the key from stdin', async () => {
    const env = clean();
    const login = await runCli(['login', '--url', collector.url, '--api-key-stdin'], { env, input: `${collector.apiKey}\n` });
    expect(login.exitCode).toBe(0);
    expect((await runCli(['config', 'get', 'api_key'], { env })).stdout).toBe(`${collector.apiKey}\n`);
  });

  test('precedence: flag > env > config file > default', async () => {
    const env = clean();
    await runCli(['config', 'set', 'url', 'http://config.invalid:1'], { env });
    await runCli(['config', 'set', 'api_key', 'from-config'], { env });
    const effective = async (args: string[], extra: NodeJS.ProcessEnv = {}) =>
      JSON.parse(String((await runCli([...args, 'config', 'list', '--json'], { env: { ...env, ...extra } })).stdout)).effective;

    expect(await effective([])).toEqual({ url: 'http://config.invalid:1', url_source: 'config', api_key_set: true, api_key_source: 'config' });
    expect(await effective([], { DRUMBEATS_URL: 'http://env.invalid:2', DRUMBEATS_API_KEY: 'from-env' })).toEqual({
      url: 'http://env.invalid:2',
      url_source: 'env',
      api_key_set: true,
      api_key_source: 'env',
    });
    expect(await effective(['--url', 'http://flag.invalid:3', '--api-key', 'k'], { DRUMBEATS_URL: 'http://env.invalid:2' })).toMatchObject({
      url: 'http://flag.invalid:3',
      url_source: 'flag',
      api_key_source: 'flag',
    });
    await runCli(['config', 'unset', 'url'], { env });
    expect(await effective([])).toMatchObject({ url: 'http://127.0.0.1:8417', url_source: 'default' });

    // The resolved settings are what commands use: the env URL wins over the file's.
    await runCli(['config', 'set', 'url', 'http://127.0.0.1:9'], { env });
    const viaEnv = await runCli(['monitors', 'ls', '--json'], { env: { ...env, DRUMBEATS_URL: collector.url, DRUMBEATS_API_KEY: collector.apiKey } });
    expect(viaEnv.exitCode).toBe(0);
    const viaFile = await runCli(['monitors', 'ls', '--json'], { env });
    expect(viaFile.exitCode).toBe(3);
    expect(viaFile.stderr).toMatch(/cannot reach the collector at http:\/\/127\.0\.0\.1:9/);
  });

  test.each([
    [['config', 'set', 'url', 'ftp://x'], 2, /is not a collector URL/],
    [['config', 'set', 'colour', 'red'], 2, /unknown setting "colour"/],
    [['config', 'get', 'url'], 5, /url is not set in /],
  ])('%j: exit %i', async (args, code, message) => {
    const result = await runCli(args, { env: clean() });
    expect(result.exitCode).toBe(code);
    expect(String(result.stderr)).toMatch(message);
    expect(String(result.stderr).trim().split('\n')).toHaveLength(1);
  });

  test('a broken config file is one clear error', async () => {
    const env = clean();
    writeFileSync(join(env.DRUMBEATS_CONFIG_DIR!, 'config.json'), '{ not json');
    const result = await runCli(['monitors', 'ls'], { env });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/config\.json is not valid JSON: fix it, or remove it/);
  });
});

describe('status (doctor)', () => {
  const STATUS_KEYS = ['api_key', 'collector', 'config_file', 'ok', 'spool', 'version'];

  test('all good: exit 0; --json has the documented keys; pings waiting in the spool are counted', async () => {
    const env = clean({ DRUMBEATS_URL: collector.url, DRUMBEATS_API_KEY: collector.apiKey });
    mkdirSync(env.DRUMBEATS_SPOOL_DIR!, { recursive: true });
    const created = Date.parse('2026-12-01T10:00:00Z');
    for (const [i, body] of ['{"a":1}', '{"b":22}'].entries()) {
      writeFileSync(join(env.DRUMBEATS_SPOOL_DIR!, `${String(created + i).padStart(15, '0')}-${String(i).padStart(8, '0')}-0123456789abcdef-p${i}.json`), body);
    }
    writeFileSync(join(env.DRUMBEATS_SPOOL_DIR!, '.tmp-123-abc'), 'half written'); // not a ping

    const result = await runCli(['status', '--json'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const status = JSON.parse(String(result.stdout)) as StatusJson;
    expect(Object.keys(status).sort()).toEqual(STATUS_KEYS);
    expect(status).toMatchObject({
      ok: true,
      collector: { url: collector.url, url_source: 'env', reachable: true, error: null },
      api_key: { source: 'env', state: 'valid' },
      spool: { dir: env.DRUMBEATS_SPOOL_DIR, exists: true, pings: 2, bytes: 15, oldest_at: '2026-12-01T10:00:00.000Z' },
      config_file: { exists: false },
    });
    expect(status.collector.latency_ms).toBeGreaterThanOrEqual(0);

    const text = await runCli(['doctor'], { env });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/✔ reachable, answered in/);
    expect(text.stdout).toMatch(/✔ API key accepted \(from env\)/);
    expect(text.stdout).toMatch(/! 2 pings waiting \(15 bytes, oldest .*\): run `drumbeats flush`/);
  });

  test.each([
    ['unreachable collector', { DRUMBEATS_URL: 'http://127.0.0.1:9', DRUMBEATS_API_KEY: 'k' }, 3, { reachable: false }, 'unchecked'],
    ['refused key', { DRUMBEATS_API_KEY: 'wrong' }, 4, { reachable: true }, 'invalid'],
    ['no key', {}, 2, { reachable: true }, 'missing'],
  ])('%s: the report on stdout, one line on stderr, its exit code', async (_name, extra, code, collectorState, keyState) => {
    const env = clean({ DRUMBEATS_URL: collector.url, ...extra });
    const result = await runCli(['status', '--json'], { env });
    expect(result.exitCode).toBe(code);
    const status = JSON.parse(String(result.stdout)) as StatusJson;
    expect(status.ok).toBe(false);
    expect(status.collector).toMatchObject(collectorState);
    expect(status.api_key.state).toBe(keyState);
    expect(String(result.stderr).trim().split('\n')).toHaveLength(1);
  });

  test('an unreachable collector: the report and the error say why (ECONNREFUSED), not "fetch failed"', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve)); // nothing listens there any more
    const env = clean({ DRUMBEATS_URL: `http://127.0.0.1:${port}`, DRUMBEATS_API_KEY: 'k' });
    const json = JSON.parse(String((await runCli(['status', '--json'], { env })).stdout)) as StatusJson;
    expect(json.collector).toMatchObject({ reachable: false, error: 'ECONNREFUSED' });
    const text = await runCli(['status'], { env });
    expect(text.exitCode).toBe(3);
    expect(text.stdout).toContain('✘ not reachable (ECONNREFUSED)');
    expect(text.stderr).toBe(`drumbeats: cannot reach the collector at http://127.0.0.1:${port} (ECONNREFUSED): is it running? Set --url, DRUMBEATS_URL or \`drumbeats login\`\n`);
    const badPort = JSON.parse(String((await runCli(['status', '--json'], { env: { ...env, DRUMBEATS_URL: 'http://127.0.0.1:9' } })).stdout)) as StatusJson;
    expect(badPort.collector.error).toMatch(/^a port fetch\(\) refuses to connect to, a "bad port" of the Fetch standard/);
  });
});
