// Ingestion: whole runs (start, two logs, success with a 1 KB body) from 50
// connections, against a bare fastify route and the collector (sync=full,
// then sync=normal), one after the other in the same run, each with a warm-up.
import { join } from 'node:path';
import { createMonitor, startCollector } from './collector.mjs';
import { cpuSeconds, runLoad, startListening } from './processes.mjs';
import { fmtInt, fmtMs } from './format.mjs';

const CONNECTIONS = 50;

/** Measures the three targets; returns table rows and the figures later sections reuse. */
export async function benchIngestion(ctx) {
  const { bin, tmp, seconds, warmupSeconds, loadScript, log } = ctx;
  const shape = { connections: CONNECTIONS, logs: 2, bodyBytes: 1024 };

  log(`ingestion: bare fastify route, ${seconds} s`);
  const bare = await startListening(process.execPath, [join(ctx.benchDir, 'bare-server.mjs')]);
  let baseline;
  try {
    const fakeMonitor = 'mon_0000000000000000000000';
    await runLoad(loadScript, { ...shape, url: bare.url, monitorId: fakeMonitor, duration: warmupSeconds, runPrefix: 'warm-' });
    const cpu0 = cpuSeconds(bare.pid);
    baseline = await runLoad(loadScript, { ...shape, url: bare.url, monitorId: fakeMonitor, duration: seconds });
    baseline.serverCpuSeconds = cpuSeconds(bare.pid) - cpu0;
  } finally {
    await bare.stop();
  }

  const measured = [];
  for (const sync of ['full', 'normal']) {
    log(`ingestion: collector --sync ${sync}, ${seconds} s`);
    const collector = await startCollector(bin, join(tmp, `ingest-${sync}`), ['--sync', sync]);
    try {
      const monitor = await createMonitor(collector, { name: `ingest ${sync}` });
      await runLoad(loadScript, { ...shape, url: collector.url, monitorId: monitor.id, duration: warmupSeconds, runPrefix: 'warm-' });
      const cpu0 = cpuSeconds(collector.pid);
      const result = await runLoad(loadScript, { ...shape, url: collector.url, monitorId: monitor.id, duration: seconds, runPrefix: 'm-' });
      result.serverCpuSeconds = cpuSeconds(collector.pid) - cpu0;
      result.stored = await spotCheck(collector, monitor);
      measured.push({ sync, result });
    } finally {
      await collector.stop();
    }
  }

  const rows = [
    {
      area: 'Ingestion',
      what: `Bare fastify route answering 200 (baseline), ${CONNECTIONS} connections, same request mix`,
      result: describeLoad(baseline, 'req/s'),
      baseline: '—',
      ratio: '—',
      target: '—',
    },
  ];
  for (const { sync, result } of measured) {
    const ratio = result.rps / baseline.rps;
    rows.push({
      area: 'Ingestion',
      what: `Collector, durable store \`--sync ${sync}\`${sync === 'full' ? ' (default)' : ''}: whole runs (start, 2 logs, success + 1 KB body), ${CONNECTIONS} connections`,
      result: `${describeLoad(result, 'acknowledged pings/s')}; ${result.stored}`,
      baseline: `${fmtInt(baseline.rps)} req/s`,
      ratio: ratio.toFixed(2),
      target: sync === 'full' ? `≥ 10,000/s and ≥ 0.50: ${result.rps >= 10_000 && ratio >= 0.5 ? 'met' : 'missed'}` : '—',
    });
  }
  return { rows, baseline, measured };
}

function describeLoad(result, unit) {
  const errors = result.non2xx + result.errors + result.timeouts;
  const perPing = result.serverCpuSeconds / Math.max(1, result.ok);
  return (
    `${fmtInt(result.rps)} ${unit}, p50 ${fmtMs(result.p50)}, p99 ${fmtMs(result.p99)}` +
    ` (${fmtInt(result.ok)} in ${result.seconds.toFixed(1)} s${errors ? `, ${errors} errors` : ''};` +
    ` server CPU ${Math.round(perPing * 1e6)} µs/req, load generator ${Math.round((result.cpuSeconds / result.seconds) * 100)}% of a core)`
  );
}

// Every acknowledged ping must be stored: check the newest runs came out whole.
async function spotCheck(collector, monitor) {
  const { json } = await collector.apiOk('GET', `/v1/runs?monitor=${monitor.id}&limit=100`);
  const whole = json.runs.filter((run) => run.status === 'success' && run.ping_count === 4).length;
  const open = json.runs.filter((run) => run.status === 'running').length;
  return `newest 100 runs: ${whole} complete with 4 pings, ${open} cut off by the end of the load`;
}
