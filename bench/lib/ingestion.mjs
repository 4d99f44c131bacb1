// Ingestion: whole runs (start, two logs, success with a 1 KB body) from 50
// connections, against a bare fastify route and the collector (sync=full and
// sync=normal). All three servers run side by side and are measured in
// alternating rounds, so drift in what else the machine does hits each alike;
// each figure is the round with the median rate. The report names the load
// generator (wrk when it is installed, else autocannon: see bench/load.mjs).
import { join } from 'node:path';
import { createMonitor, startCollector } from './collector.mjs';
import { cpuSeconds, runLoad, startListening } from './processes.mjs';
import { fmtInt, fmtMs } from './format.mjs';

const CONNECTIONS = 50;

/** Measures the three targets; returns table rows. */
export async function benchIngestion(ctx) {
  const { bin, tmp, seconds, warmupSeconds, loadScript, log, smoke } = ctx;
  const rounds = smoke ? 1 : 3;
  const roundSeconds = Math.max(1, Math.round(seconds / rounds));
  const shape = { connections: CONNECTIONS, logs: 2, bodyBytes: 1024 };

  const bare = await startListening(process.execPath, [join(ctx.benchDir, 'bare-server.mjs')]);
  const full = await startCollector(bin, join(tmp, 'ingest-full'), ['--sync', 'full']);
  const normal = await startCollector(bin, join(tmp, 'ingest-normal'), ['--sync', 'normal']);
  const targets = [
    { key: 'bare', server: bare, monitorId: 'mon_0000000000000000000000' },
    { key: 'full', server: full, monitorId: (await createMonitor(full, { name: 'ingest full' })).id },
    { key: 'normal', server: normal, monitorId: (await createMonitor(normal, { name: 'ingest normal' })).id },
  ];
  const results = { bare: [], full: [], normal: [] };
  try {
    for (const t of targets) {
      await runLoad(loadScript, { ...shape, url: t.server.url, monitorId: t.monitorId, duration: warmupSeconds, runPrefix: 'warm-' });
    }
    for (let round = 1; round <= rounds; round++) {
      for (const t of targets) {
        log(`ingestion: ${t.key}, round ${round} of ${rounds}, ${roundSeconds} s`);
        const cpu0 = cpuSeconds(t.server.pid);
        const result = await runLoad(loadScript, { ...shape, url: t.server.url, monitorId: t.monitorId, duration: roundSeconds, runPrefix: `m${round}-` });
        result.serverCpuSeconds = cpuSeconds(t.server.pid) - cpu0;
        results[t.key].push(result);
      }
    }
    for (const t of targets.slice(1)) results[t.key].stored = await spotCheck(t.server, t.monitorId);
  } finally {
    await Promise.all([bare.stop(), full.stop(), normal.stop()]);
  }

  const pick = (list) => [...list].sort((a, b) => a.rps - b.rps)[Math.floor(list.length / 2)];
  const baseline = pick(results.bare);
  const spread = (list) => (list.length > 1 ? `; rounds ${list.map((r) => fmtInt(r.rps)).join(' / ')}` : '');
  const rows = [
    {
      area: 'Ingestion',
      what: `Bare fastify route answering 200 (baseline), ${CONNECTIONS} connections, the same requests, sent by ${baseline.generator}`,
      result: `${describeLoad(baseline, 'req/s')}${spread(results.bare)}`,
      baseline: '—',
      ratio: '—',
      target: '—',
    },
  ];
  for (const sync of ['full', 'normal']) {
    const result = pick(results[sync]);
    const ratio = result.rps / baseline.rps;
    rows.push({
      area: 'Ingestion',
      what: `Collector \`--sync ${sync}\`${sync === 'full' ? ' (default, fsync per batch)' : ''}: whole runs (start, 2 logs, success + 1 KB body), ${CONNECTIONS} connections`,
      result: `${describeLoad(result, 'acknowledged pings/s')}${spread(results[sync])}; ${results[sync].stored}`,
      baseline: `${fmtInt(baseline.rps)} req/s`,
      ratio: ratio.toFixed(2),
      target: sync === 'full' ? `≥ 10,000/s: ${result.rps >= 10_000 ? 'met' : 'missed'}; ≥ 0.50: ${ratio >= 0.5 ? 'met' : 'missed'}` : '—',
    });
  }
  return { rows };
}

function describeLoad(result, unit) {
  const errors = result.non2xx + result.errors + result.timeouts;
  const perRequest = result.serverCpuSeconds / Math.max(1, result.ok);
  return (
    `${fmtInt(result.rps)} ${unit}, p50 ${fmtMs(result.p50)}, p99 ${fmtMs(result.p99)}` +
    ` (${fmtInt(result.ok)} in ${result.seconds.toFixed(1)} s${errors ? `, ${errors} errors` : ''};` +
    ` server ${Math.round(perRequest * 1e6)} µs CPU per request, ${Math.round((result.serverCpuSeconds / result.seconds) * 100)}% of a core;` +
    ` load generator (${result.generator}) ${Math.round((result.cpuSeconds / result.seconds) * 100)}% of a core)`
  );
}

// Every acknowledged ping must be stored: the newest runs must have come out whole.
async function spotCheck(collector, monitorId) {
  const { json } = await collector.apiOk('GET', `/v1/runs?monitor=${monitorId}&limit=200`);
  const whole = json.runs.filter((run) => run.status === 'success' && run.ping_count === 4).length;
  const partial = json.runs.filter((run) => run.status === 'running').length;
  return `of the newest ${json.runs.length} runs ${whole} are complete with 4 pings and ${partial} were cut off by the end of the load`;
}
