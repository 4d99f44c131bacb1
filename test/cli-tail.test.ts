// `drumbeats tail`: pings and events pushed live over Server-Sent Events, and
// nothing lost while the collector restarts. The tail runs as a child process
// of the built CLI against a real collector.

import { execa, type ResultPromise } from 'execa';
import { afterAll, afterEach, expect, test } from 'vitest';
import type { MonitorJson, StreamItemJson, StreamPingJson } from '../shared/protocol.ts';
import { CLI, cleanupTempDirs, makeTempDir, startTestCollector, type TestCollector } from './helpers/collector.ts';

const collectors: TestCollector[] = [];
const tails: ResultPromise[] = [];

afterEach(async () => {
  for (const tail of tails.splice(0)) if (tail.exitCode === null) tail.kill('SIGKILL');
  for (const c of collectors.splice(0)) await c.stop();
});
afterAll(cleanupTempDirs);

interface Tail {
  process: ResultPromise;
  items: StreamItemJson[];
  stderr: () => string;
  /** Resolves once `predicate` holds for what was printed so far. */
  until(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
}

function startTail(collector: TestCollector, args: string[], url = collector.url): Tail {
  const child = execa(process.execPath, [CLI, 'tail', ...args], {
    reject: false,
    env: { NO_COLOR: '1', DRUMBEATS_URL: url, DRUMBEATS_API_KEY: collector.apiKey, DRUMBEATS_CONFIG_DIR: makeTempDir() },
    encoding: 'utf8',
    buffer: true,
  });
  tails.push(child);
  const items: StreamItemJson[] = [];
  let err = '';
  let out = '';
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const line of lines) items.push(JSON.parse(line) as StreamItemJson);
    wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    wake();
  });
  const until = (predicate: () => boolean, what: string, timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tail: no ${what} within ${timeoutMs} ms\nstderr:\n${err}\nitems: ${JSON.stringify(items)}`)), timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  return { process: child, items, stderr: () => err, until };
}

const pingsOf = (tail: Tail) => tail.items.filter((i): i is StreamPingJson => i.type === 'ping');
const send = async (monitor: MonitorJson, base: string, path: string) => {
  const response = await fetch(`${base}/v1/ping/${monitor.id}${path}`);
  expect(response.status).toBe(200);
};

test('tail --json prints a ping sent after it started within a second, then its events; Ctrl-C exits 0', async () => {
  const collector = await startTestCollector();
  collectors.push(collector);
  const monitor = await collector.createMonitor({ name: 'Live' });
  const other = await collector.createMonitor({ name: 'Other' });
  await send(monitor, collector.url, '/start?run_id=before-tail'); // history: not shown

  const tail = startTail(collector, ['--json', '--monitor', monitor.slug]);
  await tail.until(() => /following/.test(tail.stderr()), 'connection');

  const sentAt = performance.now();
  await send(monitor, collector.url, '/start?run_id=live-1');
  await tail.until(() => pingsOf(tail).length >= 1, 'ping');
  expect(performance.now() - sentAt).toBeLessThan(1000);

  await send(other, collector.url, '/start?run_id=not-this-monitor');
  await send(monitor, collector.url, '/log?run_id=live-1&message=50%25%20done');
  await send(monitor, collector.url, '/3?run_id=live-1');
  await tail.until(() => tail.items.some((i) => i.type === 'run_event'), 'run event');

  expect(tail.items.map((i) => (i.type === 'ping' ? `${i.ping.run_id} ${i.ping.kind} ${i.ping.message ?? ''}`.trim() : `${i.run_id} ${i.event.type} ${i.event.detail}`))).toEqual([
    'live-1 start',
    'live-1 log 50% done',
    'live-1 failure',
    'live-1 FAILED exit_code',
  ]);
  const first = tail.items[0] as StreamPingJson;
  expect(Object.keys(first).sort()).toEqual(['cursor', 'ping', 'seq', 'type']);
  expect(first.ping).toMatchObject({ monitor_id: monitor.id, run_id: 'live-1', kind: 'start' });
  expect(first.cursor).toMatch(/^\d+-\d+$/);

  tail.process.kill('SIGINT');
  const result = await tail.process;
  expect(result.exitCode).toBe(0);
  expect(result.signal).toBeUndefined();
});

test('tail survives a collector restart and prints, once each and in order, the pings sent while it was away', async () => {
  const dataDir = makeTempDir();
  const first = await startTestCollector({ dataDir });
  collectors.push(first);
  const port = new URL(first.url).port;
  const monitor = await first.createMonitor({ name: 'Restart' });

  const tail = startTail(first, ['--json']);
  await tail.until(() => /following/.test(tail.stderr()), 'connection');
  await send(monitor, first.url, '/start?run_id=r1');
  await tail.until(() => pingsOf(tail).length === 1, 'first ping');

  // The collector goes away; meanwhile pings reach the same database through
  // another collector on another port, which the tail does not know about.
  await first.stop();
  await tail.until(() => /connection lost/.test(tail.stderr()), 'disconnect notice');
  const meanwhile = await startTestCollector({ dataDir });
  collectors.push(meanwhile);
  await send(monitor, meanwhile.url, '/log?run_id=r1&message=while%20away%201');
  await send(monitor, meanwhile.url, '/log?run_id=r1&message=while%20away%202');
  await send(monitor, meanwhile.url, '/success?run_id=r1');
  await meanwhile.stop();

  // Back on the port the tail keeps retrying.
  const again = await startTestCollector({ dataDir, args: ['--port', port] });
  collectors.push(again);
  await tail.until(() => pingsOf(tail).length >= 4, 'replayed pings', 30_000);
  await send(monitor, again.url, '/start?run_id=r2');
  await tail.until(() => pingsOf(tail).some((p) => p.ping.run_id === 'r2'), 'live ping after reconnect');

  expect(pingsOf(tail).map((p) => `${p.ping.run_id} ${p.ping.kind} ${p.ping.message ?? ''}`.trim())).toEqual([
    'r1 start',
    'r1 log while away 1',
    'r1 log while away 2',
    'r1 success',
    'r2 start',
  ]);
  const seqs = pingsOf(tail).map((p) => p.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(tail.stderr()).toMatch(/reconnected; replaying what was missed/);

  tail.process.kill('SIGTERM');
  expect((await tail.process).exitCode).toBe(0);
});

test('human output: one line per ping and event, no ANSI when piped', async () => {
  const collector = await startTestCollector();
  collectors.push(collector);
  const monitor = await collector.createMonitor({ name: 'Human tail' });
  const child = execa(process.execPath, [CLI, 'tail'], {
    reject: false,
    env: { DRUMBEATS_URL: collector.url, DRUMBEATS_API_KEY: collector.apiKey, DRUMBEATS_CONFIG_DIR: makeTempDir(), NO_COLOR: undefined, FORCE_COLOR: undefined },
    encoding: 'utf8',
  });
  tails.push(child);
  let out = '';
  let err = '';
  await new Promise<void>((resolve) => child.stderr!.on('data', (c: Buffer) => ((err += c.toString()), /following/.test(err) && resolve())));
  const lines = new Promise<void>((resolve) => child.stdout!.on('data', (c: Buffer) => ((out += c.toString()), out.split('\n').length > 3 && resolve())));
  await send(monitor, collector.url, '/start?run_id=h1');
  await send(monitor, collector.url, '/log?run_id=h1&message=halfway');
  await send(monitor, collector.url, '/fail?run_id=h1');
  await lines;
  child.kill('SIGINT');
  expect((await child).exitCode).toBe(0);
  const printed = out.trim().split('\n');
  expect(printed[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}human-tail {2}h1 {2}start$/);
  expect(printed[1]).toMatch(/ {2}human-tail {2}h1 {2}log {2}"halfway"$/);
  expect(printed[2]).toMatch(/ {2}human-tail {2}h1 {2}failure$/);
  expect(printed[3]).toMatch(/ {2}human-tail {2}h1 {2}event FAILED {2}failure_ping$/);
  expect(out).not.toMatch(/\x1b\[/);
});

test('a wrong key or unknown monitor ends tail at once with its exit code', async () => {
  const collector = await startTestCollector();
  collectors.push(collector);
  const env = { NO_COLOR: '1', DRUMBEATS_URL: collector.url, DRUMBEATS_CONFIG_DIR: makeTempDir() };
  const denied = await execa(process.execPath, [CLI, 'tail'], { reject: false, env: { ...env, DRUMBEATS_API_KEY: 'wrong' } });
  expect(denied.exitCode).toBe(4);
  const unknown = await execa(process.execPath, [CLI, 'tail', '--monitor', 'nope'], { reject: false, env: { ...env, DRUMBEATS_API_KEY: collector.apiKey } });
  expect(unknown.exitCode).toBe(5);
  expect(unknown.stderr).toBe('drumbeats: no monitor with id or slug "nope"');
  const stream = await fetch(`${collector.url}/v1/stream`, { headers: { authorization: `Bearer ${collector.apiKey}`, 'last-event-id': 'garbage' } });
  expect(stream.status).toBe(400);
});
