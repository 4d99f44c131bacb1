// Watchdog at scale. 100,000 runs are opened with /start pings on a monitor
// whose max_duration puts every deadline after the seeding ends; then:
//  1. collector CPU while those runs are open and nothing is due;
//  2. live: time until all are closed once their deadlines pass (the deadlines
//     span the seeding window, since pings cannot arrive faster than that);
//  3. all at once: 100,000 more runs whose deadlines pass while the collector
//     is stopped; on restart every one is overdue in the same instant.
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { createMonitor, startCollector } from './collector.mjs';
import { fmtInt, fmtMs } from './format.mjs';
import { cpuSeconds, runLoad } from './processes.mjs';

const SEED_CONNECTIONS = 100;
const IDLE_SECONDS = 5;

export async function benchWatchdog(ctx) {
  const { bin, tmp, scale, loadScript, log } = ctx;
  const runs = Math.max(500, Math.round(100_000 * scale));
  const dataDir = join(tmp, 'watchdog');
  let collector = await startCollector(bin, dataDir);
  const rows = [];
  const notes = [];
  try {
    const seed = async (monitor, prefix) => {
      const started = Date.now();
      const result = await runLoad(loadScript, {
        url: collector.url,
        monitorId: monitor.id,
        connections: SEED_CONNECTIONS,
        amount: runs,
        logs: 0,
        terminal: false,
        runPrefix: prefix,
      });
      return { ...result, started, ended: Date.now() };
    };

    // Probe the /start rate (after a warm-up) on a monitor without deadlines,
    // to place the real deadlines just after the seeding ends.
    const probeMonitor = await createMonitor(collector, { name: 'watchdog probe' });
    const probeLoad = { url: collector.url, monitorId: probeMonitor.id, connections: SEED_CONNECTIONS, logs: 0, terminal: false };
    await runLoad(loadScript, { ...probeLoad, duration: ctx.warmupSeconds, runPrefix: 'warm-' });
    const probe = await runLoad(loadScript, { ...probeLoad, duration: ctx.smoke ? 1 : 3, runPrefix: 'probe-' });
    // The load generator's own start-up (~0.5 s) comes on top of the rate.
    const seedSeconds = runs / probe.rps + 1;
    // A generous margin: an idle window is only measured if it ends before the first deadline.
    const maxDuration = Math.ceil(seedSeconds * 1.5) + IDLE_SECONDS + 3;

    // 1 + 2: live.
    const monitor = await createMonitor(collector, { name: 'watchdog live', max_duration_seconds: maxDuration });
    log(`watchdog: opening ${fmtInt(runs)} runs (max_duration ${maxDuration} s)`);
    const live = await seed(monitor, 'live-');
    // The load generator starts a little after `started`: an upper bound on the first deadline.
    const firstDeadline = live.started + maxDuration * 1000;
    const lastDeadline = live.ended + maxDuration * 1000;
    const idleShare = async () => {
      await sleep(500); // let the last responses settle
      const cpu0 = cpuSeconds(collector.pid);
      const t0 = Date.now();
      await sleep(IDLE_SECONDS * 1000);
      return (cpuSeconds(collector.pid) - cpu0) / ((Date.now() - t0) / 1000);
    };
    let idle = null;
    let idleWhat = `Collector CPU while ${fmtInt(live.ok)} runs are open and none is due (${IDLE_SECONDS} s, /proc utime+stime)`;
    if (Date.now() + (IDLE_SECONDS + 1) * 1000 < firstDeadline) idle = await idleShare();
    log('watchdog: waiting for the deadlines');
    await sleep(Math.max(0, lastDeadline - Date.now()));
    const cpuClose0 = cpuSeconds(collector.pid);
    const allClosedAt = await waitUntilNoneRunning(collector, monitor, 600_000);
    const closingCpu = cpuSeconds(collector.pid) - cpuClose0;
    const lateness = await measureLateness(collector, monitor, maxDuration * 1000);
    if (idle === null) {
      // The seeding overran its estimate: measure with the runs closed instead, and say so.
      idleWhat = `Collector CPU with ${fmtInt(live.ok)} runs (all closed: the seeding left no idle window before the deadlines) and nothing due (${IDLE_SECONDS} s, /proc utime+stime)`;
      idle = await idleShare();
    }

    rows.push({
      area: 'Watchdog',
      what: idleWhat,
      result: `${(idle * 100).toFixed(2)}% of one core`,
      baseline: '—',
      ratio: '—',
      target: 'near 0',
    });
    rows.push({
      area: 'Watchdog',
      what: `${fmtInt(live.ok)} open runs, deadlines spread over the ${((live.ended - live.started) / 1000).toFixed(1)} s it took to open them: all closed`,
      result:
        `${fmtMs(allClosedAt - lastDeadline)} after the last deadline (polled every 100 ms); each run closed` +
        ` p50 ${fmtMs(lateness.p50)}, p99 ${fmtMs(lateness.p99)}, max ${fmtMs(lateness.max)} after its own deadline` +
        ` (${fmtInt(lateness.byWatchdog)} of ${fmtInt(lateness.count)} failed by the watchdog; ${closingCpu.toFixed(1)} s collector CPU from the last deadline on)`,
      baseline: '—',
      ratio: '—',
      target: `each within 1 s of its deadline: ${lateness.max <= 1000 && lateness.byWatchdog === live.ok ? 'met' : 'missed'}`,
    });
    rows.push({
      area: 'Watchdog',
      what: `Opening those runs: /start pings from ${SEED_CONNECTIONS} connections (no body)`,
      result: `${fmtInt(live.rps)} pings/s, p50 ${fmtMs(live.p50)}, p99 ${fmtMs(live.p99)}`,
      baseline: '—',
      ratio: '—',
      target: '—',
    });

    // 3: every deadline passes while the collector is down; restart closes the backlog.
    // Long enough that no deadline passes before the collector is stopped (checked below).
    const restartDuration = Math.ceil(((live.ended - live.started) / 1000) * 1.3) + 2;
    const backlogMonitor = await createMonitor(collector, { name: 'watchdog backlog', max_duration_seconds: restartDuration });
    log(`watchdog: opening ${fmtInt(runs)} more runs, then stopping the collector past their deadlines`);
    const backlog = await seed(backlogMonitor, 'backlog-');
    await collector.stop();
    await sleep(Math.max(0, backlog.ended + restartDuration * 1000 + 1000 - Date.now()));
    const restartedAt = Date.now();
    collector = await startCollector(bin, dataDir);
    const listeningAfter = collector.listeningMs;
    const backlogClosedAt = await waitUntilNoneRunning(collector, backlogMonitor, 600_000);
    const backlogCount = await countClosedSince(collector, backlogMonitor, restartedAt);
    // The same restart with nothing overdue, for the baseline start-up time.
    await collector.stop();
    const quiet = await startCollector(bin, dataDir);
    collector = quiet;
    rows.push({
      area: 'Watchdog',
      what: `${fmtInt(backlog.ok)} runs all overdue at once (deadlines passed while the collector was stopped): restart until all closed`,
      result:
        `${fmtMs(backlogClosedAt - restartedAt)} from spawn to all closed; the collector listened after ${fmtMs(listeningAfter)}` +
        ` (it closes the backlog before it listens) (${backlogCount})`,
      baseline: `restart with nothing overdue: listening after ${fmtMs(quiet.listeningMs)}`,
      ratio: (listeningAfter / quiet.listeningMs).toFixed(1) + '×',
      target: '—',
    });
  } finally {
    await collector.stop();
  }
  return { rows, notes };
}

// Polls GET /v1/runs?status=running&limit=1 until it is empty; returns the time it was.
async function waitUntilNoneRunning(collector, monitor, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { json } = await collector.apiOk('GET', `/v1/runs?monitor=${monitor.id}&status=running&limit=1`);
    if (json.runs.length === 0) return Date.now();
    await sleep(100);
  }
  throw new Error(`runs of ${monitor.slug} still running after ${timeoutMs} ms`);
}

// How many runs the watchdog closed at or after `since` (the restart), of all the monitor's runs.
async function countClosedSince(collector, monitor, since) {
  let total = 0;
  let closed = 0;
  let cursor = null;
  do {
    const { json } = await collector.apiOk('GET', `/v1/runs?monitor=${monitor.id}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    total += json.runs.length;
    closed += json.runs.filter((run) => run.failure_reason === 'watchdog' && Date.parse(run.ended_at) >= since).length;
    cursor = json.next_cursor;
  } while (cursor);
  return `${fmtInt(closed)} of ${fmtInt(total)} closed by the watchdog after the restart`;
}

// Every run of the monitor, paged with next_cursor: how late after its deadline each was closed.
async function measureLateness(collector, monitor, maxDurationMs) {
  const late = [];
  let byWatchdog = 0;
  let cursor = null;
  do {
    const { json } = await collector.apiOk('GET', `/v1/runs?monitor=${monitor.id}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    for (const run of json.runs) {
      if (run.status === 'failed' && run.failure_reason === 'watchdog') byWatchdog++;
      if (run.started_at && run.ended_at) late.push(Date.parse(run.ended_at) - Date.parse(run.started_at) - maxDurationMs);
    }
    cursor = json.next_cursor;
  } while (cursor);
  late.sort((a, b) => a - b);
  const at = (q) => late[Math.min(late.length - 1, Math.floor(q * late.length))] ?? NaN;
  return { count: late.length, byWatchdog, p50: at(0.5), p99: at(0.99), max: late.at(-1) ?? NaN };
}
