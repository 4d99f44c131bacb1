// `npm run bench`: measures what Drumbeats' users feel, each figure beside a
// baseline taken in the same run, and writes one Markdown table to stdout and
// bench/results/latest.md. Uses the product's public interfaces only: the
// built binary, the ping and management HTTP APIs, and the CLI.
//
// BENCH_SCALE (default 1) shrinks the data sets (0.01 for a smoke run);
// BENCH_SMOKE=1 (or --smoke) also shortens the timed loads and writes
// bench/results/smoke.md instead of latest.md; BENCH_ONLY=ingestion,wrapper
// (watchdog, queries, overview) runs only those sections; BENCH_SECONDS sets
// the ingestion load time per target. Nothing here asserts times.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable } from './lib/format.mjs';
import { benchIngestion } from './lib/ingestion.mjs';
import { benchOverview } from './lib/overview.mjs';
import { benchQueries } from './lib/queries.mjs';
import { benchWatchdog } from './lib/watchdog.mjs';
import { benchWrapper } from './lib/wrapper.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, '..');
const smoke = process.env.BENCH_SMOKE === '1' || process.argv.includes('--smoke');
const scale = Number(process.env.BENCH_SCALE ?? (smoke ? 0.01 : 1));
if (!(scale > 0 && scale <= 1)) throw new Error(`BENCH_SCALE must be in (0, 1], got ${process.env.BENCH_SCALE}`);
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;

const started = Date.now();
const log = (line) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

// Others may rebuild dist/ while the bench runs: measure a private copy of it.
// It stays under the repository so its bare imports resolve to node_modules.
const snapshot = join(benchDir, '.out', `build-${process.pid}`);
if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `node scripts/build.mjs` first');
cpSync(join(root, 'dist'), join(snapshot, 'dist'), { recursive: true });
writeFileSync(join(snapshot, 'drumbeats.js'), "#!/usr/bin/env node\nimport './dist/cli.js';\n");

const tmp = mkdtempSync(join(os.tmpdir(), 'drumbeats-bench-'));
const ctx = {
  benchDir,
  bin: join(snapshot, 'drumbeats.js'),
  tmp,
  smoke,
  scale,
  seconds: Number(process.env.BENCH_SECONDS ?? (smoke ? 1 : 12)),
  warmupSeconds: smoke ? 1 : 2,
  loadScript: join(benchDir, 'load.mjs'),
  log,
};

const machine = describeMachine();
const rows = [];
const notes = [];
const failed = [];
const sections = [
  ['ingestion', benchIngestion],
  ['wrapper', benchWrapper],
  ['watchdog', benchWatchdog],
  ['queries', benchQueries],
  ['overview', benchOverview],
];
try {
  for (const [name, section] of sections) {
    if (only && !only.has(name)) continue;
    try {
      const result = await section(ctx);
      rows.push(...result.rows);
      notes.push(...(result.notes ?? []));
    } catch (error) {
      log(`${name} failed: ${error.stack ?? error}`);
      failed.push(name);
      rows.push({ area: name, what: 'section failed', result: String(error.message ?? error).split('\n')[0] });
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(snapshot, { recursive: true, force: true });
}

// Sections may add rows to more than one area; the table groups them by area.
const AREAS = ['Ingestion', 'Wrapper', 'Watchdog', 'Queries', 'Size'];
rows.sort((a, b) => (AREAS.indexOf(a.area) + 1 || 99) - (AREAS.indexOf(b.area) + 1 || 99));
const loadAfter = os.loadavg()[0];
const report = [
  `## Benchmark results${smoke ? ' (smoke run: tiny scale, figures not meaningful)' : scale < 1 ? ` (BENCH_SCALE=${scale})` : ''}`,
  '',
  `${machine.cpus} × ${machine.model}, ${machine.memory} RAM, Linux ${machine.kernel}, Node ${process.version}, ` +
    `${machine.date}, commit ${machine.commit}. Load average ${machine.loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after ` +
    `(anything well above 0 means other work shared the ${machine.cpus} cores). Total ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  '',
  markdownTable(rows),
  '',
  ...notes.map((note) => `- ${note}`),
  '',
].join('\n');
process.stdout.write(report);
// BENCH_RESULTS_DIR: where the report goes instead (the test suite's smoke run writes to a temp dir).
const resultsDir = process.env.BENCH_RESULTS_DIR || join(benchDir, 'results');
mkdirSync(resultsDir, { recursive: true });
// Only a full run at full scale is the committed latest.md.
writeFileSync(join(resultsDir, smoke ? 'smoke.md' : only || scale < 1 ? 'partial.md' : 'latest.md'), report);
// No time is asserted, but a section that could not run fails the command (and CI's smoke run).
if (failed.length > 0) {
  log(`failed sections: ${failed.join(', ')}`);
  process.exitCode = 1;
}

function describeMachine() {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim();
    if (dirty) commit += ' + uncommitted changes';
  } catch {
    // not a git checkout
  }
  return {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? 'unknown CPU',
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    kernel: os.release(),
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    commit,
    loadBefore: os.loadavg()[0],
  };
}
