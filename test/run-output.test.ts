// Output fidelity of `drumbeats run`: stdout and stderr passed through byte
// for byte on their own streams, and the stored tail (last 10 KB, tagged,
// valid UTF-8, with a dropped-bytes marker) sent on the terminal ping.

import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FAKE_MONITOR_ID, refusedUrl, startFakeCollector, type FakeCollector } from './fixtures/fake-collector.ts';
import { cli, fixture, removeTempDirs, startCli } from './fixtures/wrap.ts';

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

const wrapped = (args: string[]) => cli(['run', '--monitor', MON, '--url', collector.url, ...args]);
const storedTail = (): string => collector.pings().at(-1)!.body.toString('utf8');

describe('passthrough', () => {
  test("printf '[%s]\\n' 'a b' 'c\"d' '$HOME' '*' '' prints exactly those five lines (argv untouched, no shell)", async () => {
    const result = await wrapped(['--', 'printf', '[%s]\\n', 'a b', 'c"d', '$HOME', '*', '']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString('utf8')).toBe('[a b]\n[c"d]\n[$HOME]\n[*]\n[]\n');
  });

  test('a 200,000-character line between before and after, exit 5', async () => {
    const script = 'echo before; head -c 200000 /dev/zero | tr "\\000" x; echo; echo after; exit 5';
    const result = await wrapped(['--', 'sh', '-c', script]);
    expect(result.exitCode).toBe(5);
    expect(result.stdout.toString('utf8')).toBe(`before\n${'x'.repeat(200_000)}\nafter\n`);
    expect(storedTail().endsWith('xxxxxxxx\n[out] after\n')).toBe(true);
    expect(Buffer.byteLength(storedTail())).toBeLessThanOrEqual(10 * 1024);
  });

  test("printf 'progress 100%%' without newline is kept in passthrough and stored output", async () => {
    const result = await wrapped(['--', 'printf', 'progress 100%%']);
    expect(result.stdout.toString('utf8')).toBe('progress 100%');
    expect(storedTail()).toBe('[out] progress 100%');
  });

  test('binary data and invalid UTF-8 pass through unchanged on their own streams', async () => {
    const direct = await execa(process.execPath, [fixture('binary.mjs')], { encoding: 'buffer', stripFinalNewline: false });
    const result = await wrapped(['--', process.execPath, fixture('binary.mjs')]);
    expect(Buffer.compare(result.stdout, Buffer.from(direct.stdout))).toBe(0);
    expect(result.stdout.length).toBe(264);
    expect([...result.stderrBytes]).toEqual([...Buffer.from(direct.stderr)]);
    expect([...result.stderrBytes]).toEqual([0xff, 0xfe, 0x00, 0x01, 0x0a]);
    // What is stored is valid UTF-8 (invalid bytes become U+FFFD).
    expect(storedTail()).toContain('\uFFFD');
    expect(Buffer.from(storedTail(), 'utf8').toString('utf8')).toBe(storedTail());
  });

  test('output interleaved between the streams is stored in arrival order, tagged', async () => {
    const result = await wrapped(['--', process.execPath, fixture('interleave.mjs'), '6']);
    expect(result.stdout.toString()).toBe('out line 1\nout line 3\nout line 5\n');
    expect(result.stderr).toBe('err line 2\nerr line 4\nerr line 6\n');
    expect(storedTail()).toBe('[out] out line 1\n[err] err line 2\n[out] out line 3\n[err] err line 4\n[out] out line 5\n[err] err line 6\n');
  });
});

describe('closed stdout', () => {
  test("drumbeats run -- job | head: the job's writes fail as unwrapped, the wrapper keeps its status", async () => {
    const wrapper = startCli(['run', '--monitor', MON, '--url', collector.url, '--', 'sh', '-c', 'seq 1 10000000; echo "seq ended" >&2; exit 3']);
    await new Promise<void>((resolve) => wrapper.stdout!.once('data', () => resolve()));
    wrapper.stdout!.destroy();
    const result = await wrapper;
    expect(result.exitCode).toBe(3);
    // seq died of SIGPIPE long before ten million lines, silently, and sh went on (as unwrapped).
    expect(Buffer.from(result.stderr).toString()).toBe('seq ended\n');
    expect(collector.pings().at(-1)!.query.exit_code).toBe('3');
  });

  test('drumbeats run -- seq 1 10000000 | head -1: seq dies of SIGPIPE as unwrapped (141), silently', async () => {
    const wrapper = startCli(['run', '--monitor', MON, '--url', collector.url, '--', 'seq', '1', '10000000']);
    await new Promise<void>((resolve) => wrapper.stdout!.once('data', () => resolve()));
    wrapper.stdout!.destroy();
    const result = await wrapper;
    expect(Buffer.from(result.stderr).toString()).toBe('');
    expect(result.exitCode).toBe(141);
    const last = collector.pings().at(-1)!;
    expect(last.path.endsWith('/failure')).toBe(true);
    expect(last.query).toMatchObject({ exit_code: '141', reason: 'signal', signal: 'SIGPIPE' });
  });

  test('a closed stderr: the job writing to it dies of SIGPIPE too', async () => {
    const wrapper = startCli(['run', '--monitor', MON, '--url', collector.url, '--', 'sh', '-c', 'exec seq 1 10000000 >&2']);
    await new Promise<void>((resolve) => wrapper.stderr!.once('data', () => resolve()));
    wrapper.stderr!.destroy();
    const result = await wrapper;
    expect(result.exitCode).toBe(141);
    expect(collector.pings().at(-1)!.query).toMatchObject({ reason: 'signal', signal: 'SIGPIPE' });
  });
});

describe('stored tail', () => {
  test('seq 1 20000; echo FINAL-ERROR-LINE; exit 1: ends with FINAL-ERROR-LINE, at most 10 KB, marker first', async () => {
    const result = await wrapped(['--', 'sh', '-c', 'seq 1 20000; echo FINAL-ERROR-LINE; exit 1']);
    expect(result.exitCode).toBe(1);
    const tail = storedTail();
    expect(tail.endsWith('[out] 20000\n[out] FINAL-ERROR-LINE\n')).toBe(true);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(10 * 1024);
    const dropped = /^\[drumbeats: (\d+) earlier bytes of output dropped\]\n/.exec(tail);
    expect(dropped).not.toBeNull();
    // Dropped plus shown is everything the job wrote.
    const shown = tail.slice(dropped![0].length).split('\n').filter((l) => l !== '').reduce((n, l) => n + Buffer.byteLength(l) - 6 + 1, 0);
    expect(Number(dropped![1]) + shown).toBe(result.stdout.length);
    expect(collector.pings().at(-1)!.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  test('--output-limit 1KB bounds the stored tail', async () => {
    await wrapped(['--output-limit', '1KB', '--', 'seq', '1', '5000']);
    expect(Buffer.byteLength(storedTail())).toBeLessThanOrEqual(1024);
    expect(storedTail().endsWith('[out] 5000\n')).toBe(true);
  });

  test('--no-output sends no output to the collector but still passes it through', async () => {
    const result = await wrapped(['--no-output', '--', 'sh', '-c', 'echo secret; echo oops >&2']);
    expect(result.stdout.toString()).toBe('secret\n');
    expect(result.stderr).toBe('oops\n');
    expect(collector.pings().at(-1)!.body.length).toBe(0);
  });

  test('--quiet adds nothing to the terminal even when the collector is down', async () => {
    const down = await refusedUrl();
    const result = await cli(['run', '--quiet', '--monitor', MON, '--url', down, '--', 'sh', '-c', 'echo out; echo err >&2; exit 9']);
    expect(result.exitCode).toBe(9);
    expect(result.stdout.toString()).toBe('out\n');
    expect(result.stderr).toBe('err\n');
  });

  test('a job writing 200 MB keeps the wrapper under 100 MB of memory', async () => {
    const result = await cli(['run', '--monitor', MON, '--url', collector.url, '--', process.execPath, fixture('flood.mjs'), '200'], { stdout: 'ignore', timeoutMs: 60_000 });
    expect(result.exitCode).toBe(0);
    const peakKb = Number(/parent (\d+)/.exec(result.stderr)?.[1]);
    expect(peakKb).toBeGreaterThan(0);
    expect(peakKb).toBeLessThan(100 * 1024);
    expect(Buffer.byteLength(storedTail())).toBeLessThanOrEqual(10 * 1024);
    expect(storedTail()).toMatch(/^\[drumbeats: \d+ earlier bytes of output dropped\]\n/);
  }, 60_000);
});

describe('milestones', () => {
  test('default marker lines become /log pings, in order, between start and the terminal ping', async () => {
    const script = 'echo "[milestone] dumped database"; echo noise; echo "[milestone] 50% done & next=step #2 + a/b?c é"; echo "[milestone] uploaded"';
    const result = await wrapped(['--', 'sh', '-c', script]);
    expect(result.exitCode).toBe(0);
    const pings = collector.pings();
    expect(pings.map((p) => p.path.split('/').at(-1))).toEqual(['start', 'log', 'log', 'log', 'success']);
    expect(pings.filter((p) => p.path.endsWith('/log')).map((p) => p.query.message)).toEqual([
      'dumped database',
      '50% done & next=step #2 + a/b?c é',
      'uploaded',
    ]);
  });

  test('--milestone <regex>: the first capture group is the message; stderr lines never count', async () => {
    const script = 'echo "STEP 1: fetch"; echo "STEP 2: parse" >&2; echo "[milestone] ignored"; echo "STEP 3: store"';
    await wrapped(['--milestone', '^STEP \\d+: (.*)$', '--', 'sh', '-c', script]);
    expect(collector.pings().filter((p) => p.path.endsWith('/log')).map((p) => p.query.message)).toEqual(['fetch', 'store']);
  });
});
