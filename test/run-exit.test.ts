// `drumbeats run` exit statuses and terminal pings: the child's code, 128+N
// for signals, 126/127 for spawn errors closed at once, 124 for --timeout,
// against a scripted collector that records every request.

import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FAKE_MONITOR_ID, startFakeCollector, startBlackHole, type FakeCollector } from './fixtures/fake-collector.ts';
import { alive, cli, fixture, killTagged, removeTempDirs, spooled, tempDir } from './fixtures/wrap.ts';

let collector: FakeCollector;
const MON = FAKE_MONITOR_ID;

beforeAll(async () => {
  collector = await startFakeCollector();
});
afterEach(() => {
  collector.requests.length = 0;
});
afterAll(async () => {
  await collector.close();
  removeTempDirs();
});

const wrapped = (args: string[], env: Record<string, string> = {}) =>
  cli(['run', '--monitor', MON, '--url', collector.url, ...args], { env });

function terminal() {
  const pings = collector.pings();
  return pings[pings.length - 1]!;
}

describe('exit status and terminal ping', () => {
  test.for<[string, string[], number, string, Record<string, string>]>([
    ['true exits 0', ['true'], 0, 'success', { exit_code: '0' }],
    ["sh -c 'exit 3' exits 3", ['sh', '-c', 'exit 3'], 3, 'failure', { exit_code: '3' }],
    ['exit.mjs 255 exits 255', [process.execPath, fixture('exit.mjs'), '255'], 255, 'failure', { exit_code: '255' }],
    ['ls /doesnotexist exits 2', ['ls', '/doesnotexist'], 2, 'failure', { exit_code: '2' }],
    ["sh -c 'kill -TERM $$' exits 143", ['sh', '-c', 'kill -TERM $$'], 143, 'failure', { exit_code: '143', reason: 'signal', signal: 'SIGTERM' }],
    ["sh -c 'kill -KILL $$' exits 137", ['sh', '-c', 'kill -KILL $$'], 137, 'failure', { exit_code: '137', reason: 'signal', signal: 'SIGKILL' }],
    ["sh -c 'kill -INT $$' exits 130", ['sh', '-c', 'kill -INT $$'], 130, 'failure', { exit_code: '130', reason: 'signal', signal: 'SIGINT' }],
  ])('%s', async ([, command, code, action, query]) => {
    const result = await wrapped(['--', ...command]);
    expect(result.exitCode).toBe(code);
    const pings = collector.pings();
    expect(pings.map((p) => p.path)).toEqual([`/v1/ping/${MON}/start`, `/v1/ping/${MON}/${action}`]);
    expect(terminal().query).toMatchObject(query);
    expect(terminal().query.duration_ms).toMatch(/^\d+$/);
    expect(new Set(pings.map((p) => p.query.run_id)).size).toBe(1);
    expect(new Set(pings.map((p) => p.query.ping_id)).size).toBe(2);
    expect(result.stderr).not.toContain('drumbeats:');
  });

  test.for<[string, string, number, string]>([
    ['/no/such/binary exits 127', '/no/such/binary', 127, 'command not found (ENOENT)'],
    ['a 0644 script exits 126', fixture('not-executable.sh'), 126, 'permission denied (not executable) (EACCES)'],
  ])('%s and closes the run at once as spawn_error', async ([, command, code, text]) => {
    const result = await wrapped(['--', command]);
    expect(result.exitCode).toBe(code);
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr).toBe(`drumbeats: cannot run "${command}": ${text}\n`);
    // Both pings were delivered before the wrapper exited: nothing is left for the watchdog.
    expect(collector.pings().map((p) => p.path)).toEqual([`/v1/ping/${MON}/start`, `/v1/ping/${MON}/failure`]);
    expect(terminal().query).toMatchObject({ exit_code: String(code), reason: 'spawn_error', message: `cannot run "${command}": ${text}` });
  });

  test('--run-id is used on every ping', async () => {
    await wrapped(['--run-id', 'nightly-2025-06-01', '--', 'true']);
    expect(collector.pings().map((p) => p.query.run_id)).toEqual(['nightly-2025-06-01', 'nightly-2025-06-01']);
  });

  test('a monitor slug is looked up with the API key', async () => {
    const result = await cli(['run', '--monitor', 'nightly-backup', '--url', collector.url, '--api-key', 'test-key', '--', 'true']);
    expect(result.exitCode).toBe(0);
    expect(collector.requests[0]).toMatchObject({ method: 'GET', path: '/v1/monitors/nightly-backup' });
    expect(collector.requests[0]!.headers.authorization).toBe('Bearer test-key');
    expect(collector.pings().map((p) => p.path)).toEqual([`/v1/ping/${MON}/start`, `/v1/ping/${MON}/success`]);
  });

  test('a slug without an API key: the job runs unmonitored with one warning', async () => {
    const result = await cli(['run', '--monitor', 'nightly-backup', '--url', collector.url, '--', 'sh', '-c', 'echo ran; exit 4']);
    expect(result.exitCode).toBe(4);
    expect(result.stdout.toString()).toBe('ran\n');
    expect(result.stderr).toMatch(/^drumbeats: "nightly-backup" is not a monitor id .*\n$/);
    expect(collector.requests).toEqual([]);
  });

  test('no monitor configured: the job runs, one warning', async () => {
    const result = await cli(['run', '--', 'sh', '-c', 'echo ran; exit 6']);
    expect(result.exitCode).toBe(6);
    expect(result.stdout.toString()).toBe('ran\n');
    expect(result.stderr).toBe('drumbeats: no monitor given (--monitor or DRUMBEATS_MONITOR); the job runs unmonitored\n');
  });

  test('the monitor, URL and key come from the environment too', async () => {
    const result = await cli(['run', '--', 'true'], { env: { DRUMBEATS_URL: collector.url, DRUMBEATS_MONITOR: MON } });
    expect(result.exitCode).toBe(0);
    expect(collector.pings()).toHaveLength(2);
  });
});

describe('--timeout', () => {
  test('SIGTERM on expiry, exit 124, reason timeout', async () => {
    const result = await wrapped(['--timeout', '300ms', '--', process.execPath, fixture('sleep.mjs')]);
    expect(result.exitCode).toBe(124);
    expect(result.ms).toBeLessThan(4000);
    expect(terminal().query).toMatchObject({ exit_code: '124', reason: 'timeout', signal: 'SIGTERM' });
    expect(Number(terminal().query.duration_ms)).toBeGreaterThanOrEqual(300);
  });

  test('SIGKILL after --kill-after when SIGTERM is ignored, still 124', async () => {
    const result = await wrapped(['--timeout', '200ms', '--kill-after', '300ms', '--', 'sh', '-c', 'trap "" TERM; sleep 30; true']);
    expect(result.exitCode).toBe(124);
    expect(result.ms).toBeLessThan(4000);
    expect(terminal().query).toMatchObject({ reason: 'timeout', signal: 'SIGKILL' });
  });

  test('the whole process group is stopped: no background child survives', async () => {
    const result = await wrapped(['--timeout', '300ms', '--', 'sh', '-c', 'sleep 30 & echo $!; wait']);
    expect(result.exitCode).toBe(124);
    const pid = Number(result.stdout.toString().trim());
    expect(pid).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  });
});

describe('command line', () => {
  test('--help prints usage with an example on stdout', async () => {
    const result = await cli(['run', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString()).toContain('Usage: drumbeats run [options] -- <command> [args...]');
    expect(result.stdout.toString()).toContain('drumbeats run --monitor nightly-backup --timeout 2h -- tar');
    expect(result.stderr).toBe('');
  });

  test.for([
    ['unknown option', ['--tmeout', '5s', '--', 'true']],
    ['no command', ['--monitor', MON]],
    ['bad duration', ['--timeout', 'soon', '--', 'true']],
    ['invalid --milestone regex', ['--monitor', MON, '--milestone', '^STEP (', '--', 'echo', 'ran']],
  ])('%s exits 125 without running anything', async ([, args]) => {
    const result = await cli(['run', ...(args as string[])]);
    expect(result.exitCode).toBe(125);
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr).toMatch(/^drumbeats: .+\nRun "drumbeats run --help" for usage.\n$/);
  });
});

describe('background grandchild', () => {
  test("sh -c 'sleep 300 & echo launched' returns in about 2 s with the child's status", async () => {
    const tag = `DRUMBEATS_TEST_TAG=${randomUUID()}`;
    const [key, value] = tag.split('=') as [string, string];
    try {
      const result = await wrapped(['--', 'sh', '-c', 'sleep 300 & echo launched'], { [key]: value });
      expect(result.exitCode).toBe(0);
      expect(result.stdout.toString()).toBe('launched\n');
      expect(result.ms).toBeLessThan(4000);
      expect(terminal().path).toBe(`/v1/ping/${MON}/success`);
    } finally {
      killTagged(tag);
    }
  });

  test('the start ping never delays the child: a black-holed collector still lets the job run', async () => {
    const hole = await startBlackHole();
    const spool = tempDir();
    try {
      const result = await cli(['run', '--monitor', MON, '--url', hole.url, '--', 'sh', '-c', 'echo started; exit 7'], { spoolDir: spool });
      expect(result.exitCode).toBe(7);
      expect(result.stdout.toString()).toBe('started\n');
      expect(result.ms).toBeLessThan(4000);
      expect(spooled(spool).map((r) => r.action)).toEqual(['start', 'failure']);
    } finally {
      await hole.close();
    }
  });
});
