// Queries at scale: 1,000,000 pings in 100,000 runs of one monitor, seeded
// through the ping API as fast as it takes them (itself an ingestion figure),
// then `runs ls` (API and CLI), analytics, payload search and a CSV export of
// everything. Then the database size, and bytes per 1,000,000 pings with 1 KB
// bodies from a second, smaller seed where every ping carries one.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createMonitor, startCollector, API_KEY } from './collector.mjs';
import { fmtBytes, fmtInt, fmtMs, median } from './format.mjs';
import { runLoad, runProcess, sampleRss } from './processes.mjs';

const PINGS_PER_RUN = 10; // start, 8 logs, success or failure
const RARE_WORD = 'quasarflux'; // in the terminal body of every 1,000th run
const COMMON_WORD = 'lorem'; // in every body

export async function benchQueries(ctx) {
  const { bin, tmp, scale, smoke, loadScript, log } = ctx;
  const runs = Math.max(200, Math.round(100_000 * scale));
  const dataDir = join(tmp, 'queries');
  const rows = [];
  const notes = [];
  const collector = await startCollector(bin, dataDir);
  const emptyBytes = dirBytes(dataDir);
  let seeded;
  let monitor;
  try {
    monitor = await createMonitor(collector, { name: 'queries at scale', slug: 'queries' });
    log(`queries: seeding ${fmtInt(runs * PINGS_PER_RUN)} pings in ${fmtInt(runs)} runs`);
    seeded = await runLoad(loadScript, {
      url: collector.url,
      monitorId: monitor.id,
      connections: 50,
      amount: runs * PINGS_PER_RUN,
      logs: PINGS_PER_RUN - 2,
      bodyBytes: 1024,
      failEvery: 100,
      needleEvery: 1000,
      runPrefix: 'q-',
    });
    rows.push({
      area: 'Queries',
      what: `Seeding through the ping API: ${fmtInt(seeded.ok)} pings in ${fmtInt(seeded.runs)} runs (start, 8 logs with a message, success/failure with 1 KB body), 50 connections`,
      result: `${fmtInt(seeded.rps)} pings/s, p50 ${fmtMs(seeded.p50)}, p99 ${fmtMs(seeded.p99)}, ${fmtMs(seeded.seconds * 1000)} in all${seeded.non2xx + seeded.errors ? `, ${seeded.non2xx + seeded.errors} errors` : ''}`,
      baseline: '—',
      ratio: '—',
      target: '—',
    });

    const apiRow = async (what, path, repeats, describe, targetMs) => {
      const times = [];
      let last;
      await collector.apiOk('GET', path); // warm
      for (let i = 0; i < repeats; i++) {
        last = await collector.apiOk('GET', path);
        times.push(last.ms);
      }
      rows.push({
        area: 'Queries',
        what,
        result: `${fmtMs(median(times))} median of ${repeats} (max ${fmtMs(Math.max(...times))}; ${describe(last.json, last.bytes)})`,
        baseline: '—',
        ratio: '—',
        target: targetMs === undefined ? '—' : `< ${targetMs} ms: ${median(times) < targetMs ? 'met' : 'missed'}`,
      });
    };
    const repeats = smoke ? 3 : 20;
    log('queries: runs ls, analytics, search');
    await apiRow(`API \`GET /v1/runs?monitor=…&limit=20\` (what \`runs ls\` asks)`, `/v1/runs?monitor=${monitor.id}&limit=20`, repeats, (json) => `${json.runs.length} runs`);
    await apiRow(`API \`GET /v1/runs?monitor=…&status=failed&limit=20\` (1% of runs failed)`, `/v1/runs?monitor=${monitor.id}&status=failed&limit=20`, repeats, (json) => `${json.runs.length} runs`);
    await apiRow(`API \`GET /v1/runs?monitor=…&status=running&limit=1\` (none running: the watchdog bench's poll)`, `/v1/runs?monitor=${monitor.id}&status=running&limit=1`, repeats, (json) => `${json.runs.length} runs`);

    const cliEnv = { DRUMBEATS_URL: collector.url, DRUMBEATS_API_KEY: API_KEY, NO_COLOR: '1', HOME: join(tmp, 'home-cli'), XDG_CONFIG_HOME: join(tmp, 'home-cli', '.config') };
    const cliTimes = [];
    const nodeTimes = [];
    let cliOut;
    for (let i = 0; i < (smoke ? 3 : 10); i++) {
      nodeTimes.push((await runProcess(process.execPath, ['-e', '0'])).ms);
      cliOut = await runProcess(process.execPath, [bin, 'runs', 'ls', '--monitor', 'queries', '--limit', '20'], { env: cliEnv, timeoutMs: 60_000 });
      if (cliOut.code !== 0) throw new Error(`runs ls failed: ${cliOut.stderr}`);
      cliTimes.push(cliOut.ms);
    }
    rows.push({
      area: 'Queries',
      what: `CLI \`drumbeats runs ls --monitor queries --limit 20\` (process start to exit), median of ${cliTimes.length}`,
      result: `${fmtMs(median(cliTimes))} (${cliOut.stdout.trim().split('\n').length} lines printed)`,
      baseline: `\`node -e 0\` ${fmtMs(median(nodeTimes))}`,
      ratio: (median(cliTimes) / median(nodeTimes)).toFixed(2),
      target: '—',
    });

    await apiRow(
      'Analytics `GET /v1/monitors/…/analytics?range=30d` (30-minute buckets; all seeded pings fall in the last few buckets)',
      `/v1/monitors/${monitor.id}/analytics?range=30d`,
      repeats,
      (json, bytes) => `${json.buckets?.length ?? '?'} buckets, ${fmtBytes(bytes)}`,
      100,
    );
    await apiRow(
      `Payload search, rare word: \`GET /v1/pings/history?monitor=…&q=${RARE_WORD}&limit=50\``,
      `/v1/pings/history?monitor=${monitor.id}&q=${RARE_WORD}&limit=50`,
      repeats,
      (json) => `${json.pings.length} hits on the page`,
    );
    await apiRow(
      `Payload search, word in every body: \`GET /v1/pings/history?monitor=…&q=${COMMON_WORD}&limit=50\``,
      `/v1/pings/history?monitor=${monitor.id}&q=${COMMON_WORD}&limit=50`,
      repeats,
      (json) => `${json.pings.length} hits on the page`,
    );

    log('queries: CSV export of everything');
    const csvFile = join(tmp, 'export.csv');
    const collectorRss = sampleRss(collector.pid);
    const exported = await runProcess(process.execPath, [bin, 'export', '--monitor', 'queries', '-o', csvFile], {
      env: cliEnv,
      timeoutMs: 900_000,
      measureRss: true,
    });
    const collectorPeakKb = collectorRss.stop();
    if (exported.code !== 0) throw new Error(`export failed: ${exported.stderr}`);
    const csvLines = await countLines(csvFile);
    rows.push({
      area: 'Queries',
      what: `CSV export of every ping: \`drumbeats export --monitor queries -o file.csv\``,
      result:
        `${fmtMs(exported.ms)} for ${fmtInt(csvLines - 1)} rows, ${fmtBytes(statSync(csvFile).size)} (${fmtInt((csvLines - 1) / (exported.ms / 1000))} rows/s);` +
        ` peak RSS: CLI ${fmtBytes(exported.peakRssKb * 1024)}, collector ${fmtBytes(collectorPeakKb * 1024)}`,
      baseline: '—',
      ratio: '—',
      target: 'bounded memory',
    });
  } finally {
    await collector.stop(); // a clean stop checkpoints the WAL into the database file
  }

  const bytes = dirBytes(dataDir) - emptyBytes;
  rows.push({
    area: 'Size',
    what: `Database after the seeding above (${fmtInt(seeded.ok)} pings, 1 in ${PINGS_PER_RUN} with a 1 KB body, the rest a short message)`,
    result: `${fmtBytes(bytes)}: ${fmtBytes((bytes / seeded.ok) * 1e6)} per 1,000,000 such pings${seeded.ok < 1e6 ? ' (extrapolated)' : ''}`,
    baseline: '—',
    ratio: '—',
    target: '—',
  });

  // Size with a body on every ping: a second seed, extrapolated to 1,000,000.
  const sizeDir = join(tmp, 'size');
  const sizeCollector = await startCollector(bin, sizeDir);
  const sizeEmpty = dirBytes(sizeDir);
  const sizePings = Math.max(2_000, Math.round(100_000 * scale));
  let sized;
  try {
    const sizeMonitor = await createMonitor(sizeCollector, { name: 'size' });
    log(`size: ${fmtInt(sizePings)} pings, each with a 1 KB body`);
    sized = await runLoad(loadScript, {
      url: sizeCollector.url,
      monitorId: sizeMonitor.id,
      connections: 50,
      amount: sizePings,
      logs: 2,
      logBodyBytes: 1024,
      bodyBytes: 1024,
      runPrefix: 's-',
    });
  } finally {
    await sizeCollector.stop();
  }
  const sizeBytes = dirBytes(sizeDir) - sizeEmpty;
  rows.push({
    area: 'Size',
    what: `Database bytes per 1,000,000 pings with 1 KB bodies (JSON text, indexed for search)`,
    result: `${fmtBytes((sizeBytes / sized.ok) * 1e6)} (extrapolated from ${fmtInt(sized.ok)} pings taking ${fmtBytes(sizeBytes)}: ${fmtInt(sizeBytes / sized.ok)} bytes each)`,
    baseline: `the bodies alone: ${fmtBytes(1024 * 1e6)}`,
    ratio: ((sizeBytes / sized.ok) / 1024).toFixed(2),
    target: '—',
  });
  notes.push(
    'Queries: the pings were all received during the seeding, so analytics over 30 days reads few non-empty buckets; ' +
      'the ping API takes no client time for ordering by design, so older data cannot be seeded through it.',
  );
  return { rows, notes };
}

// Bytes of every file in a data dir (database, WAL, shared memory, key).
function dirBytes(dir) {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

function countLines(file) {
  return new Promise((resolve, reject) => {
    let lines = 0;
    createReadStream(file)
      .on('data', (chunk) => {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      })
      .on('end', () => resolve(lines))
      .on('error', reject);
  });
}
