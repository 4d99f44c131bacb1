// `drumbeats ping start|log|success|failure`: one ping per call for scripts
// that do not wrap, with the wrapper's delivery guarantees.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FAKE_MONITOR_ID, refusedUrl, startFakeCollector, type FakeCollector } from './fixtures/fake-collector.ts';
import { cli, removeTempDirs, spooled, tempDir } from './fixtures/wrap.ts';

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

const ping = (args: string[], spoolDir?: string) => cli(['ping', ...args, '--monitor', MON, '--url', collector.url], spoolDir === undefined ? {} : { spoolDir });

describe('drumbeats ping', () => {
  test('ping start prints the run id it sent, and nothing else', async () => {
    const result = await ping(['start']);
    expect(result.exitCode).toBe(0);
    const runId = result.stdout.toString();
    expect(runId).toMatch(/^[0-9a-f-]{36}\n$/);
    const [start] = collector.pings();
    expect(start!.path).toBe(`/v1/ping/${MON}/start`);
    expect(start!.query.run_id).toBe(runId.trim());
    expect(start!.query.ping_id).toMatch(/^p_[A-Za-z0-9_-]{20}$/);
    expect(result.stderr).toBe('');
  });

  test('ping start --run-id prints that id', async () => {
    const result = await ping(['start', '--run-id', 'invoice-2025-06']);
    expect(result.stdout.toString()).toBe('invoice-2025-06\n');
  });

  test('ping log keeps a message with % & # + ? é byte for byte', async () => {
    const message = '50% done & next=step #2 + a/b?c é';
    const result = await ping(['log', '--run-id', 'R1', '--message', message]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString()).toBe('');
    expect(collector.pings()[0]!.query).toMatchObject({ run_id: 'R1', message });
  });

  test.for([
    ['success', [], 'success', {}],
    ['failure --exit-code 3', ['--exit-code', '3'], 'failure', { exit_code: '3' }],
    ['fail --exit-code 3 (alias of failure, like /fail)', ['--exit-code', '3'], 'failure', { exit_code: '3' }],
  ] as const)('ping %s', async ([action, extra, path, query]) => {
    const result = await ping([action.split(' ')[0]!, '--run-id', 'R2', ...extra]);
    expect(result.exitCode).toBe(0);
    expect(collector.pings()[0]!.path).toBe(`/v1/ping/${MON}/${path}`);
    expect(collector.pings()[0]!.query).toMatchObject({ run_id: 'R2', ...query });
  });

  test('usage errors exit 2 and send nothing', async () => {
    const result = await ping(['log', '--message', 'no run id']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^drumbeats: --run-id is required/);
    expect(collector.requests).toEqual([]);
  });

  test('ping start --monitor nope (a slug, no API key): warns "ping not sent" (there is no job), still prints the run id', async () => {
    const result = await cli(['ping', 'start', '--monitor', 'nope', '--url', collector.url]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString()).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(result.stderr).toMatch(/^drumbeats: "nope" is not a monitor id .*; ping not sent\n$/);
    expect(result.stderr).not.toContain('job');
  });

  test('ping start with an unknown monitor id (404): "ping not sent"', async () => {
    const refusing = await startFakeCollector(() => ({ status: 404, body: { error: { code: 'monitor_not_found', message: 'no such monitor' } } }));
    try {
      const result = await cli(['ping', 'start', '--monitor', 'mon_AAAAAAAAAAAAAAAAAAAAAA', '--url', refusing.url]);
      expect(result.exitCode).toBe(0);
      expect(result.stderr).toMatch(/^drumbeats: the collector at .+ refused the pings of monitor "mon_AAAAAAAAAAAAAAAAAAAAAA" \(404 monitor_not_found: no such monitor\); ping not sent\n$/);
    } finally {
      await refusing.close();
    }
  });

  test('--help prints usage with an example', async () => {
    const result = await cli(['ping', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString()).toContain('RUN=$(drumbeats ping start --monitor invoices)');
  });

  test('collector down: the run id is still printed, exit 0, the ping is spooled; the next ping of the run sends it first', async () => {
    const down = await refusedUrl();
    const spool = tempDir();
    const started = await cli(['ping', 'start', '--monitor', MON, '--url', down], { spoolDir: spool });
    expect(started.exitCode).toBe(0);
    expect(started.ms).toBeLessThan(4000);
    const runId = started.stdout.toString().trim();
    expect(started.stderr).toMatch(/^drumbeats: could not reach the collector at .+ \(connection refused\); saved 1 ping to /);
    expect(spooled(spool).map((r) => [r.action, r.query.run_id])).toEqual([['start', runId]]);

    const server = await startFakeCollector(undefined, Number(new URL(down).port));
    try {
      const done = await cli(['ping', 'success', '--monitor', MON, '--url', down, '--run-id', runId], { spoolDir: spool });
      expect(done.exitCode).toBe(0);
      expect(server.pings().map((p) => [p.path.split('/').at(-1), p.query.late])).toEqual([
        ['start', '1'],
        ['success', undefined],
      ]);
      expect(spooled(spool)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
