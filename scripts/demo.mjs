// `npm run demo`: the main job, for real, on the embedded store.
// Starts a collector in a fresh data dir, creates monitors, wraps and runs
// every example (a backup script, a curl-only workflow, a webhook handler, a
// crontab line, a CI step), lets the watchdog catch a stuck run, and shows
// `drumbeats runs ls`. `npm run demo -- --keep` leaves the collector running.
// However it ends (done, an error, Ctrl-C, SIGTERM, SIGHUP, or `| head` closing
// its output) it stops every process it started and removes its temp dir.

import { spawn } from 'node:child_process';
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

// Every process the demo starts, until it exits. `detached` starts a step in a
// process group of its own, stopped as a whole.
const children = new Set();
const groups = new WeakSet();
function start(command, args, options) {
  const child = spawn(command, args, options);
  if (options.detached) groups.add(child);
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child)); // never started
  return child;
}

// SIGTERM, then SIGKILL if it is still there after 5 s; resolves once it exited.
// A step is signalled with its process group, so that what a script runs (curl
// in invoice-workflow.sh) stops with it instead of printing errors afterwards.
function stop(child) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const kill = (signal) => {
    try {
      process.kill(groups.has(child) ? -child.pid : child.pid, signal);
    } catch {
      // already gone
    }
  };
  return new Promise((resolve) => {
    const timer = setTimeout(() => kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    kill('SIGTERM');
  });
}

// Stops every child, the collector last (the others may still be pinging it),
// then removes the temp dir (it holds the demo's API key and database), once;
// the collector must be gone before its files are removed.
let stopping = null;
let collector = null;
function cleanUp() {
  stopping ??= Promise.all([...children].filter((child) => child !== collector).map(stop))
    .then(() => collector && stop(collector))
    .then(() => rmSync(work, { recursive: true, force: true }));
  return stopping;
}

// A signal: clean up, then die of that same signal, as the shell expects.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    cleanUp().finally(() => process.kill(process.pid, signal));
  });
}
// `npm run demo | head -40`: the reader left (EPIPE). Clean up and stop quietly.
// Any other error on stdout ends the demo too, cleaned up, with 1.
process.stdout.on('error', (error) => {
  cleanUp().finally(() => process.exit(error.code === 'EPIPE' ? 0 : 1));
});

// Once stopping, nothing more is printed or started: the next step ends the demo.
function print(text) {
  if (stopping !== null) throw new Error('demo stopped');
  process.stdout.write(text);
}
const say = (text) => print(`\n${bold(`== ${text}`)}\n`);

collector = start(process.execPath, [cli, 'collector', '--port', '0', '--data-dir', dataDir], {
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
  // Stopped by cleanUp(), it is not an error: the signal's handler ends the demo.
  collector.on('exit', (code) => stopping === null && reject(new Error(`collector exited with ${code}: ${out}`)));
});
const env = { ...process.env, DRUMBEATS_URL: url, DRUMBEATS_API_KEY: apiKey, PATH: `${binDir}:${process.env.PATH}` };

// Runs one step, its output straight to ours (or captured), and waits for it.
// Not spawnSync: a signal to the demo must be handled while a step runs.
async function sh(command, args, options = {}) {
  const shown = [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`));
  print(`${dim(`$ ${shown.join(' ')}`)}\n`);
  const stdio = options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit';
  const child = start(command, args, { stdio, env: { ...env, ...options.env }, cwd: root, detached: true });
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  const [status, signal] = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, sig) => resolve([code, sig]));
  });
  if (!options.capture) print(`${dim(`(exit ${status ?? signal})`)}\n`);
  return { status, signal, stdout };
}

async function createMonitor(name, ...flags) {
  const { stdout, status } = await sh('drumbeats', ['monitors', 'create', name, ...flags, '--json'], { capture: true });
  if (status !== 0) throw new Error(`could not create monitor ${name}`);
  const monitor = JSON.parse(stdout);
  print(`  ${monitor.slug}: ${monitor.ping_url}\n`);
  return monitor;
}

try {
  say(`Collector on ${url}, data in ${dataDir}`);
  say('Monitors');
  const backup = await createMonitor('Nightly backup', '--max-duration', '60');
  const invoices = await createMonitor('Invoice workflow', '--min-duration', '0.5', '--max-duration', '30');
  const webhooks = await createMonitor('Stripe webhooks', '--max-duration', '5');
  await createMonitor('CI tests', '--max-duration', '600');
  const stuck = await createMonitor('Stuck importer', '--max-duration', '2');

  say('A backup script wrapped by drumbeats run (milestones become /log pings)');
  await sh('drumbeats', ['run', '--monitor', backup.slug, '--', './examples/backup.sh', './examples', join(work, 'backups')]);

  say('The same job failing: the wrapper keeps its exit code and reports the failure');
  await sh('drumbeats', ['run', '--monitor', backup.slug, '--', './examples/backup.sh', '/no/such/folder', join(work, 'backups')]);

  say('The crontab line, run the way cron runs it (sh -c, with the crontab variables)');
  const lines = readFileSync(join(root, 'examples', 'crontab'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const cronEnv = Object.fromEntries(lines.filter((l) => /^\w+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2)));
  const cronCommand = lines.find((l) => !/^\w+=/.test(l)).trim().split(/\s+/).slice(5).join(' ');
  await sh('sh', ['-c', cronCommand], { env: { ...cronEnv, DRUMBEATS_URL: url, DRUMBEATS_API_KEY: apiKey, JOBS: root, HOME: work } });

  say('A curl-only multi-step workflow (two runs)');
  for (let i = 0; i < 2; i++) await sh('./examples/invoice-workflow.sh', [], { env: { DRUMBEATS_PING_URL: invoices.ping_url } });

  say('A webhook handler pinging with fetch: five deliveries, one failing');
  const handler = start(process.execPath, ['examples/webhook-handler.mjs'], {
    cwd: root,
    env: { ...env, DRUMBEATS_PING_URL: webhooks.ping_url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const handlerUrl = await new Promise((resolve) => handler.stdout.on('data', (c) => resolve(/(http:\S+)/.exec(String(c))[1])));
  for (let i = 1; i <= 5; i++) {
    const event = { id: `evt_demo_${i}_${Date.now()}`, type: 'invoice.paid', fail: i === 4 };
    // One connection per delivery: stopping the handler never waits for a keep-alive socket of ours.
    const response = await fetch(`${handlerUrl}/webhooks/stripe`, { method: 'POST', body: JSON.stringify(event), headers: { connection: 'close' } });
    print(`  delivered ${event.id}: HTTP ${response.status}\n`);
  }
  await stop(handler);

  say('A CI step (run id from the pipeline, monitor from the environment)');
  await sh('./examples/ci-step.sh', [], { env: { DRUMBEATS_MONITOR: 'ci-tests', GITHUB_RUN_ID: String(Date.now()) } });

  say('A job that starts and never reports back: the basic-watchdog fails it after max_duration (2 s)');
  await fetch(`${stuck.ping_url}/start?run_id=import-${Date.now()}`);
  await new Promise((resolve) => setTimeout(resolve, 2600));

  say('drumbeats runs ls');
  await sh('drumbeats', ['runs', 'ls', '--limit', '20']);

  if (keep) {
    say(`Collector still running on ${url} (Ctrl-C stops it and removes ${work}). Try:`);
    print(`  export DRUMBEATS_URL=${url} DRUMBEATS_API_KEY=${apiKey}\n  node bin/drumbeats.js runs ls\n`);
    // Until a signal: its handler cleans up and ends the process.
    await new Promise(() => setInterval(() => undefined, 1 << 30));
  } else {
    say(`Done. To explore: npm run demo -- --keep`);
  }
} finally {
  await cleanUp();
}
