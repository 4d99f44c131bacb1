// `npm run demo`: the main job, for real, on the embedded store.
// Starts a collector in a fresh data dir, creates monitors, wraps and runs
// every example (a backup script, a curl-only workflow, a webhook handler, a
// crontab line, a CI step), lets the watchdog catch a stuck run, and shows
// `drumbeats runs ls`. `npm run demo -- --keep` leaves the collector running.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'drumbeats.js');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'drumbeats-demo-'));
const dataDir = join(work, 'data');
const apiKey = `dbk_${randomBytes(18).toString('base64url')}`;

// A `drumbeats` on PATH, as a user who ran `npm install -g drumbeats` has.
const binDir = join(work, 'bin');
mkdirSync(binDir);
writeFileSync(join(binDir, 'drumbeats'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
chmodSync(join(binDir, 'drumbeats'), 0o755);

// Bold headings and dim commands on a terminal only; plain text when piped or with NO_COLOR.
const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (text) => (tty ? `\x1b[1m${text}\x1b[0m` : text);
const dim = (text) => (tty ? `\x1b[2m${text}\x1b[0m` : text);
const say = (text) => process.stdout.write(`\n${bold(`== ${text}`)}\n`);

const collector = spawn(process.execPath, [cli, 'collector', '--port', '0', '--data-dir', dataDir], {
  env: { ...process.env, DRUMBEATS_API_KEY: apiKey },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  collector.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /listening on (\S+)/.exec(out);
    if (match) resolve(match[1]);
  });
  collector.on('exit', (code) => reject(new Error(`collector exited with ${code}: ${out}`)));
});
const env = { ...process.env, DRUMBEATS_URL: url, DRUMBEATS_API_KEY: apiKey, PATH: `${binDir}:${process.env.PATH}` };

function sh(command, args, options = {}) {
  const shown = [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`));
  process.stdout.write(`${dim(`$ ${shown.join(' ')}`)}\n`);
  const result = spawnSync(command, args, { stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', env: { ...env, ...options.env }, cwd: root, encoding: 'utf8' });
  if (result.error) throw result.error;
  if (!options.capture) process.stdout.write(`${dim(`(exit ${result.status ?? result.signal})`)}\n`);
  return result;
}

function createMonitor(name, ...flags) {
  const { stdout, status } = sh('drumbeats', ['monitors', 'create', name, ...flags, '--json'], { capture: true });
  if (status !== 0) throw new Error(`could not create monitor ${name}`);
  const monitor = JSON.parse(stdout);
  process.stdout.write(`  ${monitor.slug}: ${monitor.ping_url}\n`);
  return monitor;
}

try {
  say(`Collector on ${url}, data in ${dataDir}`);
  say('Monitors');
  const backup = createMonitor('Nightly backup', '--max-duration', '60');
  const invoices = createMonitor('Invoice workflow', '--min-duration', '0.5', '--max-duration', '30');
  const webhooks = createMonitor('Stripe webhooks', '--max-duration', '5');
  createMonitor('CI tests', '--max-duration', '600');
  const stuck = createMonitor('Stuck importer', '--max-duration', '2');

  say('A backup script wrapped by drumbeats run (milestones become /log pings)');
  sh('drumbeats', ['run', '--monitor', backup.slug, '--', './examples/backup.sh', './examples', join(work, 'backups')]);

  say('The same job failing: the wrapper keeps its exit code and reports the failure');
  sh('drumbeats', ['run', '--monitor', backup.slug, '--', './examples/backup.sh', '/no/such/folder', join(work, 'backups')]);

  say('The crontab line, run the way cron runs it (sh -c, with the crontab variables)');
  const lines = readFileSync(join(root, 'examples', 'crontab'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const cronEnv = Object.fromEntries(lines.filter((l) => /^\w+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2)));
  const cronCommand = lines.find((l) => !/^\w+=/.test(l)).trim().split(/\s+/).slice(5).join(' ');
  sh('sh', ['-c', cronCommand], { env: { ...cronEnv, DRUMBEATS_URL: url, DRUMBEATS_API_KEY: apiKey, JOBS: root, HOME: work } });

  say('A curl-only multi-step workflow (two runs)');
  for (let i = 0; i < 2; i++) sh('./examples/invoice-workflow.sh', [], { env: { DRUMBEATS_PING_URL: invoices.ping_url } });

  say('A webhook handler pinging with fetch: five deliveries, one failing');
  const handler = spawn(process.execPath, ['examples/webhook-handler.mjs'], {
    cwd: root,
    env: { ...env, DRUMBEATS_PING_URL: webhooks.ping_url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const handlerUrl = await new Promise((resolve) => handler.stdout.on('data', (c) => resolve(/(http:\S+)/.exec(String(c))[1])));
  for (let i = 1; i <= 5; i++) {
    const event = { id: `evt_demo_${i}_${Date.now()}`, type: 'invoice.paid', fail: i === 4 };
    const response = await fetch(`${handlerUrl}/webhooks/stripe`, { method: 'POST', body: JSON.stringify(event) });
    process.stdout.write(`  delivered ${event.id}: HTTP ${response.status}\n`);
  }
  handler.kill('SIGTERM');

  say('A CI step (run id from the pipeline, monitor from the environment)');
  sh('./examples/ci-step.sh', [], { env: { DRUMBEATS_MONITOR: 'ci-tests', GITHUB_RUN_ID: String(Date.now()) } });

  say('A job that starts and never reports back: the basic-watchdog fails it after max_duration (2 s)');
  await fetch(`${stuck.ping_url}/start?run_id=import-${Date.now()}`);
  await new Promise((resolve) => setTimeout(resolve, 2600));

  say('drumbeats runs ls');
  sh('drumbeats', ['runs', 'ls', '--limit', '20']);

  if (keep) {
    say(`Collector still running on ${url} (Ctrl-C to stop). Try:`);
    process.stdout.write(`  export DRUMBEATS_URL=${url} DRUMBEATS_API_KEY=${apiKey}\n  node bin/drumbeats.js runs ls\n`);
    await new Promise((resolve) => process.once('SIGINT', resolve));
  } else {
    say(`Done. To explore: npm run demo -- --keep`);
  }
} finally {
  collector.kill('SIGTERM');
  // The temp dir holds the demo's API key and database: leave nothing behind.
  if (!keep) collector.once('exit', () => rmSync(work, { recursive: true, force: true }));
}
