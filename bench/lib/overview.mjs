// The dashboard's monitors page at scale (issue 6: 500 monitors in under
// 200 ms): 500 monitors with 100 runs each, seeded through the ping API,
// then GET /v1/overview, which the page calls.
import { join } from 'node:path';
import { createMonitor, startCollector } from './collector.mjs';
import { fmtInt, fmtMs, median } from './format.mjs';
import { runLoad } from './processes.mjs';

const RUNS_PER_MONITOR = 100;

export async function benchOverview(ctx) {
  const { bin, tmp, scale, smoke, loadScript, log } = ctx;
  const monitorCount = Math.max(10, Math.round(500 * scale));
  const collector = await startCollector(bin, join(tmp, 'overview'));
  try {
    log(`overview: ${monitorCount} monitors with ${RUNS_PER_MONITOR} runs each`);
    const monitorIds = [];
    for (let i = 0; i < monitorCount; i++) {
      monitorIds.push((await createMonitor(collector, { name: `job ${i}`, max_duration_seconds: 3600 })).id);
    }
    const seeded = await runLoad(loadScript, {
      url: collector.url,
      monitorIds,
      connections: 50,
      amount: monitorCount * RUNS_PER_MONITOR * 2,
      logs: 0,
      bodyBytes: 0,
      failEvery: 10,
      runPrefix: 'o-',
    });
    const times = [];
    let last;
    await collector.apiOk('GET', '/v1/overview');
    for (let i = 0; i < (smoke ? 3 : 20); i++) {
      last = await collector.apiOk('GET', '/v1/overview');
      times.push(last.ms);
    }
    return {
      rows: [
        {
          area: 'Queries',
          what: `Monitors page: \`GET /v1/overview\` with ${fmtInt(monitorCount)} monitors of ${RUNS_PER_MONITOR} runs each (${fmtInt(seeded.ok)} pings, 1 run in 10 failed)`,
          result: `${fmtMs(median(times))} median of ${times.length} (max ${fmtMs(Math.max(...times))}; ${last.json.monitors?.length ?? '?'} monitors, ${fmtInt(last.bytes / 1024)} KiB)`,
          baseline: '—',
          ratio: '—',
          target: `< 200 ms: ${median(times) < 200 ? 'met' : 'missed'}`,
        },
      ],
    };
  } finally {
    await collector.stop();
  }
}
