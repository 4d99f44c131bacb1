// `npm run bench:smoke` in the suite: every section of the benchmark runs end
// to end at a tiny scale against the built binary, so the bench cannot rot
// between full runs. No figure is asserted (times are the bench's business,
// never a test's); what is checked is that each section ran and reported.

import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { REPO_ROOT, cleanupTempDirs, makeTempDir } from './helpers/collector.ts';

afterAll(cleanupTempDirs);

test('the smoke bench runs every section and writes one table with the machine line', { timeout: 300_000 }, async () => {
  const results = makeTempDir();
  const run = await execa(process.execPath, [join(REPO_ROOT, 'bench', 'run.mjs'), '--smoke'], {
    reject: false,
    env: { BENCH_RESULTS_DIR: results },
    timeout: 280_000,
  });
  expect(run.stderr).not.toMatch(/failed/);
  expect(run.exitCode).toBe(0);

  const report = readFileSync(join(results, 'smoke.md'), 'utf8');
  expect(report.trimEnd()).toBe(run.stdout.trimEnd());
  expect(report).toMatch(/^## Benchmark results \(smoke run/);
  expect(report).toMatch(new RegExp(`\\d+ × .+, Node ${process.version.replaceAll('.', '\\.')}, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`));

  const rows = report.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Area'));
  const areas = new Set(rows.map((row) => row.split(' | ')[0]!.slice(2)));
  expect([...areas]).toEqual(['Ingestion', 'Wrapper', 'Watchdog', 'Queries', 'Size']);
  // Six cells in every row, and a figure in each result cell.
  for (const row of rows) {
    expect(row.split(' | ')).toHaveLength(6);
    expect(row.split(' | ')[2]).toMatch(/\d/);
  }
  const ingestion = rows.filter((row) => row.startsWith('| Ingestion'));
  expect(ingestion).toHaveLength(3);
  expect(ingestion[1]).toMatch(/acknowledged pings\/s/);
  expect(ingestion[1]).toMatch(/≥ 10,000\/s: (met|missed); ≥ 0\.50: (met|missed)/);
});
