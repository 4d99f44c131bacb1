// Wrapper overhead: `drumbeats run --monitor <id> -- true` against a live
// collector and against a closed port, beside `true` alone and `node -e 0`
// (the floor any Node CLI pays). Round-robin, so drift hits all alike.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createMonitor, startCollector } from './collector.mjs';
import { fmtMs, median } from './format.mjs';
import { runProcess } from './processes.mjs';

export async function benchWrapper(ctx) {
  const { bin, tmp, smoke, log } = ctx;
  const repeats = smoke ? 3 : 20;
  const collector = await startCollector(bin, join(tmp, 'wrapper'));
  const monitor = await createMonitor(collector, { name: 'wrapper overhead' });
  // A port that just had a listener and now refuses: start a collector, stop it.
  const dead = await startCollector(bin, join(tmp, 'wrapper-dead'));
  const deadUrl = dead.url;
  await dead.stop();

  // A private home, config and spool per scenario: nothing of the user's is read or written.
  const envFor = (name, url) => {
    const home = join(tmp, `home-${name}`);
    mkdirSync(home, { recursive: true });
    return {
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_STATE_HOME: join(home, '.local', 'state'),
      DRUMBEATS_SPOOL_DIR: join(home, 'spool'),
      DRUMBEATS_URL: url,
      DRUMBEATS_API_KEY: '',
      DRUMBEATS_MONITOR: '',
      NO_COLOR: '1',
    };
  };
  const cases = [
    { key: 'true', command: 'true', args: [], env: {} },
    { key: 'node', command: process.execPath, args: ['-e', '0'], env: {} },
    { key: 'live', command: process.execPath, args: [bin, 'run', '--monitor', monitor.id, '--', 'true'], env: envFor('live', collector.url) },
    { key: 'dead', command: process.execPath, args: [bin, 'run', '--monitor', monitor.id, '--', 'true'], env: envFor('dead', deadUrl) },
  ];
  const times = Object.fromEntries(cases.map((c) => [c.key, []]));
  const failures = [];
  try {
    log(`wrapper: ${repeats} rounds of true / node -e 0 / drumbeats run (live) / drumbeats run (dead)`);
    for (const c of cases) await runProcess(c.command, c.args, { env: c.env, timeoutMs: 30_000 }); // warm the file cache
    for (let i = 0; i < repeats; i++) {
      for (const c of cases) {
        const result = await runProcess(c.command, c.args, { env: c.env, timeoutMs: 30_000 });
        if (result.code !== 0) failures.push(`${c.key} exited ${result.code ?? result.signal}: ${result.stderr.trim().slice(0, 200)}`);
        times[c.key].push(result.ms);
      }
    }
    var stored = await countStored(collector, monitor, repeats + 1);
  } finally {
    await collector.stop();
  }

  const med = Object.fromEntries(Object.entries(times).map(([key, list]) => [key, median(list)]));
  const added = med.live - med.true;
  const deadAdded = med.dead - med.true;
  const rows = [
    { area: 'Wrapper', what: `\`true\` alone (baseline), median of ${repeats}`, result: fmtMs(med.true), baseline: '—', ratio: '—', target: '—' },
    { area: 'Wrapper', what: `\`node -e 0\` (the floor of any Node CLI), median of ${repeats}`, result: fmtMs(med.node), baseline: '—', ratio: '—', target: '—' },
    {
      area: 'Wrapper',
      what: `\`drumbeats run --monitor <id> -- true\`, live collector, median of ${repeats}`,
      result: `${fmtMs(med.live)}: +${fmtMs(added)} over \`true\`, +${fmtMs(med.live - med.node)} over \`node -e 0\`; ${stored}`,
      baseline: `\`true\` ${fmtMs(med.true)}`,
      ratio: (med.live / med.node).toFixed(2) + '× node -e 0',
      target: `< 150 ms added: ${added < 150 ? 'met' : 'missed'}`,
    },
    {
      area: 'Wrapper',
      what: `\`drumbeats run --monitor <id> -- true\`, collector down (closed port), median of ${repeats}`,
      result: `${fmtMs(med.dead)}: +${fmtMs(deadAdded)} over \`true\` (pings go to the spool)`,
      baseline: `\`true\` ${fmtMs(med.true)}`,
      ratio: (med.dead / med.node).toFixed(2) + '× node -e 0',
      target: `< 2 s added: ${deadAdded < 2000 ? 'met' : 'missed'}`,
    },
  ];
  const notes = failures.length ? [`Wrapper: ${failures.length} runs exited non-zero, first: ${failures[0]}`] : [];
  return { rows, notes };
}

// The wrapper must not only be fast but deliver: count the runs the live collector stored.
async function countStored(collector, monitor, expected) {
  const { json } = await collector.apiOk('GET', `/v1/runs?monitor=${monitor.id}&limit=1000`);
  const ok = json.runs.filter((run) => run.status === 'success' && run.exit_code === 0).length;
  return `${ok} of ${expected} live runs stored as success`;
}
