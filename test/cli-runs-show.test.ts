// `drumbeats runs show` and the paging of `runs ls`, driven as a user would,
// against a real collector.

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MonitorJson, RunDetailJson, RunJson } from '../shared/protocol.ts';
import { cleanupTempDirs, makeTempDir, runCli, startTestCollector, type TestCollector } from './helpers/collector.ts';

let collector: TestCollector;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  collector = await startTestCollector();
  env = { DRUMBEATS_URL: collector.url, DRUMBEATS_API_KEY: collector.apiKey, DRUMBEATS_CONFIG_DIR: makeTempDir() };
});
afterAll(async () => {
  await collector?.stop();
  cleanupTempDirs();
});

async function ping(monitor: MonitorJson, path: string, body?: string): Promise<void> {
  const response = await fetch(`${collector.pingBase(monitor)}${path}`, body === undefined ? {} : { method: 'POST', body });
  expect(response.status).toBe(200);
}

describe('runs show', () => {
  test('a multi-step run lists its steps in order with offsets, gaps, events, exit code and output tail', async () => {
    const monitor = await collector.createMonitor({ name: 'Invoices' });
    await ping(monitor, '/start?run_id=inv-1');
    await ping(monitor, '/log?run_id=inv-1&message=fetched%2042%20invoices', '{"invoices":42}');
    await ping(monitor, '/log?run_id=inv-1&message=rendered%20PDFs');
    await ping(monitor, '/log?run_id=inv-1&message=mailed');
    await ping(monitor, '/7?run_id=inv-1', 'sending...\nError: SMTP 451 try later\n');

    const json = await runCli(['runs', 'show', 'inv-1', '--json'], { env });
    expect(json.exitCode).toBe(0);
    expect(json.stderr).toBe('');
    const run = JSON.parse(String(json.stdout)) as RunDetailJson;
    expect(run).toMatchObject({ run_id: 'inv-1', status: 'failed', failure_reason: 'exit_code', exit_code: 7, baseline_runs: 0 });
    expect(run.timeline.map((s) => [s.kind, s.step])).toEqual([
      ['start', 'start'],
      ['log', 'fetched 42 invoices'],
      ['log', 'rendered PDFs'],
      ['log', 'mailed'],
      ['failure', 'end'],
    ]);
    expect(Object.keys(run.timeline[0]!).sort()).toEqual(
      ['baseline', 'baseline_samples', 'gap_ms', 'kind', 'offset_ms', 'ping_id', 'step', 'typical_gap_ms', 'unusual'].sort(),
    );
    // Offsets grow and each gap is the difference of consecutive offsets.
    const offsets = run.timeline.map((s) => s.offset_ms);
    expect(offsets[0]).toBe(0);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    run.timeline.slice(1).forEach((s, i) => expect(s.gap_ms).toBe(s.offset_ms - offsets[i]!));
    expect(run.timeline.map((s) => s.ping_id)).toEqual(run.pings.map((p) => p.ping_id));

    const text = await runCli(['runs', 'show', 'inv-1'], { env });
    expect(text.exitCode).toBe(0);
    const out = String(text.stdout);
    expect(out).toMatch(/^Run:\s+inv-1$/m);
    expect(out).toMatch(/^Status:\s+failed \(exit_code\)$/m);
    expect(out).toMatch(/^Exit code:\s+7$/m);
    expect(out).toMatch(/^Events:\s+FAILED \(exit_code\)$/m);
    const steps = ['start', 'log "fetched 42 invoices"', 'log "rendered PDFs"', 'log "mailed"', 'failure · exit 7', 'event FAILED exit_code'];
    const positions = steps.map((step) => out.indexOf(step));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(out).toMatch(/^OFFSET\s+GAP\s+TYPICAL\s+STEP\s+PAYLOAD$/m);
    expect(out).toMatch(/^\+\d.*log "fetched 42 invoices"\s+\{"invoices":42\}$/m);
    expect(out).toContain('Output tail\nsending...\nError: SMTP 451 try later\n');
    expect(out).not.toMatch(/\x1b\[/);
  });

  test('a run with more than 1000 pings shows its first and last ones, says how many are left out, and keeps its end and output tail', async () => {
    const monitor = await collector.createMonitor({ name: 'Chatty' });
    const total = 1_203; // start + 1,201 logs + failure
    await ping(monitor, '/start?run_id=chatty-1');
    for (let i = 1; i <= total - 2; i++) await ping(monitor, `/log?run_id=chatty-1&message=row%20${i}`);
    await ping(monitor, '/9?run_id=chatty-1', 'last words\n');

    const json = await runCli(['runs', 'show', 'chatty-1', '--json'], { env });
    const run = JSON.parse(String(json.stdout)) as RunDetailJson;
    expect(run).toMatchObject({ ping_count: total, pings_omitted: total - 1000, pings_omitted_at: 500 });
    expect(run.pings).toHaveLength(1000);
    expect(run.timeline).toHaveLength(1000);
    expect([run.pings[0]!.kind, run.pings[499]!.message, run.pings[500]!.message, run.pings.at(-1)!.kind]).toEqual([
      'start',
      'row 499',
      `row ${total - 2 - 498}`,
      'failure',
    ]);
    expect(run.pings.at(-1)!.payload).toBe('last words\n');
    expect(run.timeline[500]!.gap_ms).toBeNull();

    const text = String((await runCli(['runs', 'show', 'chatty-1'], { env })).stdout);
    expect(text).toContain('Timeline (1,000 of 1,203 pings shown;');
    expect(text).toContain('… 203 pings not shown …');
    expect(text.indexOf('log "row 499"')).toBeLessThan(text.indexOf('… 203 pings not shown …'));
    expect(text.indexOf('… 203 pings not shown …')).toBeLessThan(text.indexOf('log "row 703"'));
    expect(text).toMatch(/Output tail\n(.*\n)?last words\n/);
  }, 60_000);

  test('a step far slower than in earlier runs is flagged as unusual', async () => {
    const monitor = await collector.createMonitor({ name: 'ETL' });
    for (const n of [1, 2, 3]) {
      await ping(monitor, `/start?run_id=etl-${n}`);
      await ping(monitor, `/log?run_id=etl-${n}&message=extracted%20${n * 100}%20rows`);
      await ping(monitor, `/log?run_id=etl-${n}&message=loaded`);
      await ping(monitor, `/success?run_id=etl-${n}`);
    }
    await ping(monitor, '/start?run_id=etl-4');
    await ping(monitor, '/log?run_id=etl-4&message=extracted%20999%20rows');
    await sleep(1300); // "loaded" usually follows within milliseconds
    await ping(monitor, '/log?run_id=etl-4&message=loaded');
    await ping(monitor, '/success?run_id=etl-4');

    const run = JSON.parse(String((await runCli(['runs', 'show', 'etl-4', '--monitor', monitor.slug, '--json'], { env })).stdout)) as RunDetailJson;
    expect(run.baseline_runs).toBe(3);
    expect(run.timeline.map((s) => [s.step, s.unusual])).toEqual([
      ['start', false],
      ['extracted 999 rows', false],
      ['loaded', true],
      ['end', false],
    ]);
    expect(run.timeline[2]).toMatchObject({ baseline: 'message', baseline_samples: 3 });
    expect(run.timeline[2]!.gap_ms!).toBeGreaterThanOrEqual(1300);

    const text = String((await runCli(['runs', 'show', 'etl-4'], { env })).stdout);
    expect(text).toMatch(/log "loaded".*$/m);
    expect(text).toMatch(/▲ \d+(\.\d)?× typical/);
    expect(text).toContain('1 unusual gap');
  });

  test('unknown run: exit 5 and one line on stderr; a run id in two monitors needs --monitor (exit 1)', async () => {
    const missing = await runCli(['runs', 'show', 'no-such-run'], { env });
    expect(missing.exitCode).toBe(5);
    expect(String(missing.stderr).trim().split('\n')).toEqual(['drumbeats: no run "no-such-run"']);
    expect(missing.stdout).toBe('');

    const a = await collector.createMonitor({ name: 'Twin A' });
    const b = await collector.createMonitor({ name: 'Twin B' });
    await ping(a, '/start?run_id=twin');
    await ping(b, '/start?run_id=twin');
    const ambiguous = await runCli(['runs', 'show', 'twin'], { env });
    expect(ambiguous.exitCode).toBe(1);
    expect(ambiguous.stderr).toBe('drumbeats: run id "twin" exists in several monitors: use --monitor <id|slug>\n');
    const chosen = await runCli(['runs', 'show', 'twin', '--monitor', b.slug, '--json'], { env });
    expect(JSON.parse(String(chosen.stdout)).monitor_id).toBe(b.id);
  });
});

describe('runs ls paging and lookup', () => {
  test('--before with the printed cursor walks every run exactly once; --since and --run-id filter', async () => {
    const monitor = await collector.createMonitor({ name: 'Pager' });
    const ids = Array.from({ length: 7 }, (_, i) => `page-${i}`);
    // Sent concurrently, several land in the same millisecond: paging must still be exact.
    await Promise.all(ids.map((id) => ping(monitor, `/start?run_id=${id}`)));

    const seen: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 10; page++) {
      const args = ['runs', 'ls', '--monitor', monitor.slug, '--limit', '3', '--json', ...(before ? ['--before', before] : [])];
      const result = await runCli(args, { env });
      expect(result.exitCode).toBe(0);
      seen.push(...(JSON.parse(String(result.stdout)) as RunJson[]).map((r) => r.run_id));
      const more = /^more runs: .* --before (\S+)$/m.exec(String(result.stderr));
      if (!more) break;
      before = more[1]!;
    }
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(seen).toHaveLength(7);

    const table = await runCli(['runs', 'ls', '--monitor', monitor.slug, '--limit', '3'], { env });
    expect(String(table.stdout)).toMatch(/^Older runs: drumbeats runs ls --monitor pager --limit 3 --before \d+\.\d+$/m);

    const lookup = await runCli(['runs', 'ls', '--run-id', 'page-3', '--json'], { env });
    expect((JSON.parse(String(lookup.stdout)) as RunJson[]).map((r) => [r.run_id, r.monitor_id])).toEqual([['page-3', monitor.id]]);

    const future = await runCli(['runs', 'ls', '--monitor', monitor.slug, '--before', '2999-01-01', '--json'], { env });
    expect(JSON.parse(String(future.stdout))).toHaveLength(7);
    const recent = await runCli(['runs', 'ls', '--monitor', monitor.slug, '--since', '1h', '--json'], { env });
    expect(JSON.parse(String(recent.stdout))).toHaveLength(7);
    const old = await runCli(['runs', 'ls', '--monitor', monitor.slug, '--before', '1h', '--json'], { env });
    expect(JSON.parse(String(old.stdout))).toEqual([]);
  });

  test.each([
    [['--since', '2026-12-04', '--before', '2026-12-03'], '--since "2026-12-04" is not before --before "2026-12-03": no run can match (swap them?)'],
    [['--since', '2h', '--before', '2h'], '--since "2h" is not before --before "2h": no run can match (swap them?)'],
    [['--since', '0d'], '--since "0d" is not in the past: no run can have started since then (e.g. --since 1d)'],
    [['--since', '2999-01-01', '--json'], '--since "2999-01-01" is not in the past: no run can have started since then (e.g. --since 1d)'],
  ])('runs ls %j: a range no run can be in is one line, exit 2', async (args, message) => {
    const result = await runCli(['runs', 'ls', ...args], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`drumbeats: ${message}\n`);
  });

  test('nothing found: "No runs yet." only when nothing filters the list', async () => {
    const monitor = await collector.createMonitor({ name: 'Filtered' });
    await ping(monitor, '/start?run_id=f-1');
    await ping(monitor, '/success?run_id=f-1');
    const only = ['--monitor', monitor.slug];
    for (const filters of [[...only, '--status', 'failed'], [...only, '--before', '1h'], ['--since', '2000-01-01', '--before', '2000-01-02']]) {
      const result = await runCli(['runs', 'ls', ...filters], { env });
      expect(result.exitCode, filters.join(' ')).toBe(0);
      expect(result.stdout, filters.join(' ')).toBe('No runs match these filters.\n');
    }
    const empty = await startTestCollector();
    try {
      const result = await runCli(['runs', 'ls'], { env: { ...env, DRUMBEATS_URL: empty.url, DRUMBEATS_API_KEY: empty.apiKey } });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe('No runs yet.\n');
    } finally {
      await empty.stop();
    }
  });

  test('an unreadable time or cursor is a usage error', async () => {
    const bad = await runCli(['runs', 'ls', '--since', 'last tuesday'], { env });
    expect(bad.exitCode).toBe(2);
    expect(String(bad.stderr)).toMatch(/^drumbeats: --since "last tuesday" is not a time/);
    const cursor = await collector.apiRaw('GET', '/v1/runs?cursor=nonsense');
    expect(cursor.status).toBe(400);
    expect(cursor.json).toMatchObject({ error: { code: 'invalid_cursor' } });
  });
});

describe('run ids that URL parsers fold away', () => {
  test('"." and ".." are valid run ids: runs show and GET /v1/run find them', async () => {
    const monitor = await collector.createMonitor({ name: 'Dots' });
    for (const id of ['.', '..']) {
      await ping(monitor, `/start?run_id=${id}`);
      await ping(monitor, `/success?run_id=${id}`);
    }
    for (const id of ['.', '..']) {
      const shown = await runCli(['runs', 'show', id, '--monitor', monitor.slug, '--json'], { env });
      expect(shown.stderr).toBe('');
      expect(JSON.parse(String(shown.stdout))).toMatchObject({ run_id: id, status: 'success' });
      const api = await collector.api<RunDetailJson>('GET', `/v1/run?run_id=${encodeURIComponent(id)}&monitor=${monitor.id}`);
      expect(api.pings.map((p) => p.kind)).toEqual(['start', 'success']);
    }
    const text = await runCli(['runs', 'show', '..', '--monitor', monitor.slug], { env });
    expect(text.exitCode).toBe(0);
    expect(String(text.stdout)).toContain('..');
  });
});
