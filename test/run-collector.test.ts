// `drumbeats run` and `drumbeats ping` end to end against a real collector
// on port 0: what the wrapper reports is what the collector stores.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MonitorJson, RunDetailJson } from '../shared/protocol.ts';
import { cleanupTempDirs, startTestCollector, type TestCollector } from './helpers/collector.ts';
import { cli, fixture, removeTempDirs, spooled, tempDir } from './fixtures/wrap.ts';

let collector: TestCollector;
let monitor: MonitorJson;
let seq = 0;
const newRunId = () => `wrap-${process.pid}-${++seq}`;

beforeAll(async () => {
  collector = await startTestCollector();
  monitor = await collector.createMonitor({ name: 'Wrapped job', max_duration_seconds: 600 });
});
afterAll(async () => {
  await collector?.stop();
  cleanupTempDirs();
  removeTempDirs();
});

const runOf = (runId: string) => collector.api<RunDetailJson>('GET', `/v1/runs/${encodeURIComponent(runId)}?monitor=${monitor.id}`);
const wrap = (runId: string, args: string[], extra: string[] = []) =>
  cli(['run', '--monitor', monitor.id, '--url', collector.url, '--run-id', runId, ...extra, '--', ...args]);

describe('drumbeats run against the collector', () => {
  test("sh -c 'exit 3' exits 3 and stores failed/exit_code/3", async () => {
    const runId = newRunId();
    const result = await wrap(runId, ['sh', '-c', 'echo working; exit 3']);
    expect(result.exitCode).toBe(3);
    const run = await runOf(runId);
    expect(run).toMatchObject({ status: 'failed', failure_reason: 'exit_code', exit_code: 3, start_count: 1 });
    expect(run.duration_ms).toBeGreaterThanOrEqual(0);
    expect(run.pings.map((p) => p.kind)).toEqual(['start', 'failure']);
    expect(run.pings[1]!.payload).toBe('[out] working\n');
  });

  test("sh -c 'kill -TERM $$' exits 143 and stores failed/signal/SIGTERM", async () => {
    const runId = newRunId();
    const result = await wrap(runId, ['sh', '-c', 'kill -TERM $$']);
    expect(result.exitCode).toBe(143);
    expect(await runOf(runId)).toMatchObject({ status: 'failed', failure_reason: 'signal', signal: 'SIGTERM', exit_code: 143 });
  });

  test("sh -c 'kill -KILL $$' exits 137 and stores failed/signal/SIGKILL", async () => {
    const runId = newRunId();
    const result = await wrap(runId, ['sh', '-c', 'kill -KILL $$']);
    expect(result.exitCode).toBe(137);
    expect(await runOf(runId)).toMatchObject({ status: 'failed', failure_reason: 'signal', signal: 'SIGKILL' });
  });

  test('/no/such/binary exits 127 and the run is closed at once as spawn_error', async () => {
    const runId = newRunId();
    const result = await wrap(runId, ['/no/such/binary']);
    expect(result.exitCode).toBe(127);
    const run = await runOf(runId);
    expect(run).toMatchObject({ status: 'failed', failure_reason: 'spawn_error', exit_code: 127 });
    expect(run.pings.at(-1)!.message).toBe('cannot run "/no/such/binary": command not found (ENOENT)');
  });

  test('a 0644 script exits 126 and the run is closed at once as spawn_error', async () => {
    const runId = newRunId();
    const result = await wrap(runId, [fixture('not-executable.sh')]);
    expect(result.exitCode).toBe(126);
    expect(await runOf(runId)).toMatchObject({ status: 'failed', failure_reason: 'spawn_error', exit_code: 126 });
  });

  test('--timeout stores failed/timeout and exits 124', async () => {
    const runId = newRunId();
    const result = await wrap(runId, [process.execPath, fixture('sleep.mjs')], ['--timeout', '300ms']);
    expect(result.exitCode).toBe(124);
    expect(await runOf(runId)).toMatchObject({ status: 'failed', failure_reason: 'timeout', exit_code: 124 });
  });

  test('a success stores the measured duration and the milestones in order', async () => {
    const runId = newRunId();
    const result = await wrap(runId, ['sh', '-c', 'echo "[milestone] dumped"; sleep 0.3; echo "[milestone] 50% done & next=step #2 + a/b?c é"']);
    expect(result.exitCode).toBe(0);
    const run = await runOf(runId);
    expect(run.status).toBe('success');
    expect(run.duration_ms).toBeGreaterThanOrEqual(300);
    expect(run.pings.map((p) => [p.kind, p.message])).toEqual([
      ['start', null],
      ['log', 'dumped'],
      ['log', '50% done & next=step #2 + a/b?c é'],
      ['success', null],
    ]);
  });

  test('stored tail of seq 1 20000; echo FINAL-ERROR-LINE; exit 1 ends with FINAL-ERROR-LINE and is at most 10 KB', async () => {
    const runId = newRunId();
    const result = await wrap(runId, ['sh', '-c', 'seq 1 20000; echo FINAL-ERROR-LINE; exit 1']);
    expect(result.exitCode).toBe(1);
    const terminal = (await runOf(runId)).pings.at(-1)!;
    expect(terminal.payload!.trimEnd().endsWith('FINAL-ERROR-LINE')).toBe(true);
    expect(Buffer.byteLength(terminal.payload!)).toBeLessThanOrEqual(10 * 1024);
    expect(terminal.truncated).toBe(false);
  });

  test('a monitor slug is looked up with the API key', async () => {
    const runId = newRunId();
    const result = await cli(['run', '--monitor', monitor.slug, '--url', collector.url, '--api-key', collector.apiKey, '--run-id', runId, '--', 'true']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect((await runOf(runId)).status).toBe('success');
  });

  test('a reused run id: the second run warns once that its outcome will not count, and keeps its exit code', async () => {
    const runId = newRunId();
    const first = await wrap(runId, ['true']);
    expect(first.stderr).toBe('');
    const second = await wrap(runId, ['sh', '-c', 'echo second; exit 5']);
    expect(second.exitCode).toBe(5);
    expect(second.stdout.toString()).toBe('second\n');
    expect(second.stderr).toBe(
      `drumbeats: run id "${runId}" already finished earlier (success); this run's outcome will not change it — use a unique --run-id\n`,
    );
    expect((await runOf(runId)).status).toBe('success');
  });

  test('unknown monitor: 404, the job still runs and exits 0, one warning on stderr', async () => {
    const spool = tempDir();
    const result = await cli(['run', '--monitor', 'mon_AAAAAAAAAAAAAAAAAAAAAA', '--url', collector.url, '--', 'sh', '-c', 'echo still ran'], { spoolDir: spool });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString()).toBe('still ran\n');
    expect(result.stderr).toMatch(/^drumbeats: the collector at .+ refused the pings of monitor "mon_AAAAAAAAAAAAAAAAAAAAAA" \(404 [a-z_]+: .*\); the job runs unmonitored\n$/);
    expect(spooled(spool)).toEqual([]);
  });
});

describe('drumbeats ping against the collector', () => {
  test('start, log, success: one run, in order', async () => {
    const opts = ['--monitor', monitor.id, '--url', collector.url];
    const started = await cli(['ping', 'start', ...opts]);
    const runId = started.stdout.toString().trim();
    await cli(['ping', 'log', ...opts, '--run-id', runId, '--message', 'invoices fetched']);
    const done = await cli(['ping', 'failure', ...opts, '--run-id', runId, '--exit-code', '4']);
    expect(done.exitCode).toBe(0);
    const run = await runOf(runId);
    expect(run).toMatchObject({ status: 'failed', exit_code: 4 });
    expect(run.pings.map((p) => [p.kind, p.message])).toEqual([
      ['start', null],
      ['log', 'invoices fetched'],
      ['failure', null],
    ]);
  });
});
