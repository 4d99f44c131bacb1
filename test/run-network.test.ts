// The network never holds the job hostage: every collector failure mode
// (refused, unresolvable, TLS error, black hole, 502) leaves the job's exit
// code alone, adds a bounded delay, and spools the pings; `drumbeats flush`
// later stores the run once, with the duration measured at the time.

import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MonitorJson, RunDetailJson } from '../shared/protocol.ts';
import { cleanupTempDirs, startTestCollector, type TestCollector } from './helpers/collector.ts';
import { refusedUrl, startBlackHole, startFakeCollector, startNotTls, UNRESOLVABLE_URL, FAKE_MONITOR_ID } from './fixtures/fake-collector.ts';
import { cli, entries, fixture, removeTempDirs, spooled, tempDir } from './fixtures/wrap.ts';

let collector: TestCollector;
let monitor: MonitorJson;

beforeAll(async () => {
  collector = await startTestCollector();
  monitor = await collector.createMonitor({ name: 'Outage drill' });
});
afterAll(async () => {
  await collector?.stop();
  cleanupTempDirs();
  removeTempDirs();
});

const runOf = (runId: string) => collector.api<RunDetailJson>('GET', `/v1/runs/${encodeURIComponent(runId)}?monitor=${monitor.id}`);

interface Failure {
  url: string;
  check?: () => void;
  close: () => Promise<void>;
}

const modes: Array<[string, () => Promise<Failure>]> = [
  ['connection refused', async () => ({ url: await refusedUrl(), close: async () => undefined })],
  ['DNS name that does not resolve', async () => ({ url: UNRESOLVABLE_URL, close: async () => undefined })],
  [
    'TLS error',
    async () => {
      const server = await startNotTls();
      return { url: server.url, close: server.close };
    },
  ],
  [
    'a server that accepts and never answers',
    async () => {
      const hole = await startBlackHole();
      return { url: hole.url, check: () => expect(hole.connections()).toBeGreaterThan(0), close: hole.close };
    },
  ],
  [
    'a server answering 502',
    async () => {
      const bad = await startFakeCollector(() => ({ status: 502, body: { error: { code: 'bad_gateway', message: 'upstream down' } } }));
      return { url: bad.url, check: () => expect(bad.pings().length).toBeGreaterThan(2), close: bad.close };
    },
  ],
];

describe('collector failure modes', () => {
  test.for(modes)('%s: the job runs, exit code kept, time bounded, spool written, flush stores the run once', async ([, makeFailure]) => {
    const failure = await makeFailure();
    const spool = tempDir();
    const runId = `outage-${Math.random().toString(36).slice(2)}`;
    try {
      const result = await cli(
        ['run', '--monitor', monitor.id, '--url', failure.url, '--run-id', runId, '--', process.execPath, fixture('sleep.mjs'), '300'],
        { spoolDir: spool },
      );
      failure.check?.();
      // The job ran and kept its status; the wrapper added a bounded delay.
      expect(result.exitCode).toBe(0);
      expect(result.stdout.toString()).toMatch(/^pid \d+\n$/);
      expect(result.ms).toBeLessThan(4000);
      // One warning, on stderr.
      expect(result.stderr).toMatch(new RegExp(`^drumbeats: could not reach the collector at ${failure.url.replace(/[.:/]/g, '\\$&')} \\(.+\\); saved 2 pings to ${spool}, .*\\n$`));
      const records = spooled(spool);
      expect(records.map((r) => r.action)).toEqual(['start', 'success']);
      const measured = Number(records[1]!.query.duration_ms);
      expect(measured).toBeGreaterThanOrEqual(300);
      expect(entries(spool).filter((n) => n.startsWith('.tmp'))).toEqual([]);

      // Keep a copy to replay the same pings a second time.
      const copy = tempDir();
      cpSync(spool, copy, { recursive: true });

      const flushed = await cli(['flush', '--url', collector.url], { spoolDir: spool });
      expect(flushed.stdout.toString()).toBe(`delivered 2 spooled pings from ${spool}; spool empty\n`);
      expect(flushed.exitCode).toBe(0);
      expect(spooled(spool)).toEqual([]);

      const run = await runOf(runId);
      expect(run).toMatchObject({ status: 'success', duration_ms: measured, start_count: 1, delivered_late: true });
      expect(run.pings.map((p) => [p.kind, p.late])).toEqual([
        ['start', true],
        ['success', true],
      ]);
      expect(run.pings.map((p) => p.ping_id)).toEqual(records.map((r) => r.query.ping_id));
      expect(run.pings.map((p) => p.sent_at)).toEqual(records.map((r) => r.query.sent_at));

      // Replayed again (say a flush died before deleting its files): stored once.
      const again = await cli(['flush', '--url', collector.url], { spoolDir: copy });
      expect(again.exitCode).toBe(0);
      const after = await runOf(runId);
      expect(after.pings).toHaveLength(2);
      expect(after.start_count).toBe(1);
    } finally {
      await failure.close();
    }
  });

  test('refused, then the collector comes back on the same address: flush needs no --url', async () => {
    const down = await refusedUrl();
    const port = Number(new URL(down).port);
    const spool = tempDir();
    const result = await cli(['run', '--monitor', monitor.id, '--url', down, '--run-id', 'comes-back', '--', 'sh', '-c', 'exit 3'], { spoolDir: spool });
    expect(result.exitCode).toBe(3);
    expect(spooled(spool)).toHaveLength(2);
    const revived = await startTestCollector({ args: ['--port', String(port)] });
    try {
      const reMonitor = await revived.createMonitor({ name: 'Revived' });
      // Spooled pings name the first collector's monitor id: unknown here, refused for good and dropped.
      const flushed = await cli(['flush'], { spoolDir: spool });
      expect(flushed.exitCode).toBe(0);
      expect(flushed.stderr).toMatch(/^drumbeats: dropped start ping of run comes-back \(404 /);
      expect(spooled(spool)).toEqual([]);
      expect(reMonitor.id).not.toBe(monitor.id);
    } finally {
      await revived.stop();
    }
  });
});

describe('retries', () => {
  test('429 with Retry-After is honoured, with the same ping id', async () => {
    const server = await startFakeCollector((req, n) =>
      n === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'rate_limited', message: 'slow down' } } } : undefined,
    );
    try {
      const result = await cli(['run', '--monitor', FAKE_MONITOR_ID, '--url', server.url, '--', 'sleep', '1.5']);
      expect(result.exitCode).toBe(0);
      const [first, second] = server.pings();
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
      expect(second!.query.ping_id).toBe(first!.query.ping_id);
      expect(server.pings().map((p) => p.path.split('/').at(-1))).toEqual(['start', 'start', 'success']);
      expect(result.stderr).toBe('');
    } finally {
      await server.close();
    }
  });

  test('a retried terminal ping carries exactly the same body and ping id', async () => {
    let terminalAttempts = 0;
    const server = await startFakeCollector((req) => {
      if (!req.path.endsWith('/failure')) return undefined;
      terminalAttempts++;
      return terminalAttempts <= 2 ? { status: 503, body: { error: { code: 'unavailable', message: 'busy' } } } : undefined;
    });
    try {
      const result = await cli(['run', '--monitor', FAKE_MONITOR_ID, '--url', server.url, '--', 'sh', '-c', 'seq 1 3000; echo done >&2; exit 2']);
      expect(result.exitCode).toBe(2);
      const terminals = server.pings().filter((p) => p.path.endsWith('/failure'));
      expect(terminals).toHaveLength(3);
      expect(terminals[0]!.body.length).toBeGreaterThan(1000);
      for (const t of terminals) {
        expect(Buffer.compare(t.body, terminals[0]!.body)).toBe(0);
        expect(t.query).toEqual(terminals[0]!.query);
      }
    } finally {
      await server.close();
    }
  });

  test('404 unknown monitor: not retried, not spooled, one warning, the job keeps its code', async () => {
    const server = await startFakeCollector(() => ({ status: 404, body: { error: { code: 'unknown_monitor', message: 'no such monitor' } } }));
    const spool = tempDir();
    try {
      const result = await cli(['run', '--monitor', FAKE_MONITOR_ID, '--url', server.url, '--', 'sh', '-c', 'echo ran; exit 0'], { spoolDir: spool });
      expect(result.exitCode).toBe(0);
      expect(result.stdout.toString()).toBe('ran\n');
      expect(server.requests).toHaveLength(1);
      expect(result.stderr).toBe(
        `drumbeats: the collector at ${server.url} refused the pings of monitor "${FAKE_MONITOR_ID}" (404 unknown_monitor: no such monitor); the job runs unmonitored\n`,
      );
      expect(entries(spool)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('a 400 on one milestone drops that ping only', async () => {
    const server = await startFakeCollector((req) =>
      req.query.message === 'bad' ? { status: 400, body: { error: { code: 'message_too_long', message: 'too long' } } } : undefined,
    );
    try {
      const result = await cli(['run', '--monitor', FAKE_MONITOR_ID, '--url', server.url, '--', 'sh', '-c', 'echo "[milestone] bad"; echo "[milestone] good"']);
      expect(result.exitCode).toBe(0);
      expect(server.pings().map((p) => p.query.message ?? p.path.split('/').at(-1))).toEqual(['start', 'bad', 'good', 'success']);
      expect(result.stderr.match(/^drumbeats:/gm)).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  test('pings of a run arrive in order even when the start is slow to be answered', async () => {
    const server = await startFakeCollector((req) => (req.path.endsWith('/start') ? { status: 200, delayMs: 400, body: { ok: true } } : undefined));
    try {
      await cli(['run', '--monitor', FAKE_MONITOR_ID, '--url', server.url, '--', 'sh', '-c', 'echo "[milestone] one"; echo "[milestone] two"']);
      const pings = server.pings();
      expect(pings.map((p) => p.query.message ?? p.path.split('/').at(-1))).toEqual(['start', 'one', 'two', 'success']);
      expect(pings[1]!.at - pings[0]!.at).toBeGreaterThanOrEqual(350);
    } finally {
      await server.close();
    }
  });

  test('a Retry-After longer than the budget after exit: spooled at once, no waiting', async () => {
    const server = await startFakeCollector((req) =>
      req.path.endsWith('/success') ? { status: 429, headers: { 'retry-after': '30' }, body: { error: { code: 'rate_limited', message: 'later' } } } : undefined,
    );
    const spool = tempDir();
    try {
      const result = await cli(['run', '--monitor', FAKE_MONITOR_ID, '--url', server.url, '--', 'true'], { spoolDir: spool });
      expect(result.exitCode).toBe(0);
      expect(result.ms).toBeLessThan(4000);
      expect(spooled(spool).map((r) => r.action)).toEqual(['success']);
    } finally {
      await server.close();
    }
  });
});

describe('the spool', () => {
  test('the next drumbeats run delivers the spool in the background, late and in order', async () => {
    const down = await refusedUrl();
    const spool = tempDir();
    const first = await cli(['run', '--monitor', FAKE_MONITOR_ID, '--url', down, '--run-id', 'first', '--', 'sh', '-c', 'echo "[milestone] half"; exit 4'], { spoolDir: spool });
    expect(first.exitCode).toBe(4);
    expect(spooled(spool).map((r) => r.action)).toEqual(['start', 'log', 'failure']);
    const server = await startFakeCollector(undefined, Number(new URL(down).port));
    try {
      const second = await cli(['run', '--monitor', FAKE_MONITOR_ID, '--url', down, '--run-id', 'second', '--', 'sleep', '1'], { spoolDir: spool });
      expect(second.exitCode).toBe(0);
      expect(second.ms).toBeLessThan(4000);
      const ofRun = (id: string) => server.pings().filter((p) => p.query.run_id === id);
      expect(ofRun('first').map((p) => [p.path.split('/').at(-1), p.query.late])).toEqual([
        ['start', '1'],
        ['log', '1'],
        ['failure', '1'],
      ]);
      expect(ofRun('second').map((p) => [p.path.split('/').at(-1), p.query.late])).toEqual([
        ['start', undefined],
        ['success', undefined],
      ]);
      expect(spooled(spool)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('many wrappers spooling at once: every ping written whole, no temp files left', async () => {
    const down = await refusedUrl();
    const spool = tempDir();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => cli(['run', '--monitor', FAKE_MONITOR_ID, '--url', down, '--run-id', `many-${i}`, '--', 'sh', '-c', `exit ${i}`], { spoolDir: spool })),
    );
    expect(results.map((r) => r.exitCode)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const records = spooled(spool);
    expect(records).toHaveLength(16);
    for (let i = 0; i < 8; i++) {
      expect(records.filter((r) => r.query.run_id === `many-${i}`).map((r) => r.action)).toEqual(['start', i === 0 ? 'success' : 'failure']);
    }
    expect(readdirSync(spool).filter((n) => !n.endsWith('.json'))).toEqual([]);
  });

  test('an unwritable spool: the job keeps its code, the warning says the pings are lost', async () => {
    const down = await refusedUrl();
    const parent = tempDir();
    mkdirSync(join(parent, 'ro'), { mode: 0o500 });
    const spool = join(parent, 'ro', 'file-not-dir');
    // A regular file where the spool directory should be.
    cpSync(fixture('exit.mjs'), spool);
    const result = await cli(['run', '--monitor', FAKE_MONITOR_ID, '--url', down, '--', 'sh', '-c', 'exit 5'], { spoolDir: spool });
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/^drumbeats: could not reach the collector at .+ nor save to .+: 2 pings lost\n$/);
  });
});
