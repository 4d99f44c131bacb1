// Signals reaching `drumbeats run`: forwarded once to the job, the job's own
// handlers run, the wrapper exits 128+N after the terminal ping, no orphans,
// and the same as PID 1 of a PID namespace (a container).

import { execa, execaSync } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FAKE_MONITOR_ID, startFakeCollector, type FakeCollector } from './fixtures/fake-collector.ts';
import { alive, BIN, fixture, removeTempDirs, startCli, tempDir, waitForOutput } from './fixtures/wrap.ts';

let collector: FakeCollector;
const MON = FAKE_MONITOR_ID;

beforeAll(async () => {
  collector = await startFakeCollector();
});
afterEach(() => {
  collector.requests.length = 0;
});
afterAll(async () => {
  await collector.close();
  removeTempDirs();
});

function start(command: string[], detached = false) {
  return startCli(['run', '--monitor', MON, '--url', collector.url, '--', ...command], { detached });
}

const trap = (code = 0) => [process.execPath, fixture('trap.mjs'), String(code)];

describe('forwarding', () => {
  test('SIGTERM to the wrapper of sleep 300: child gone within 1 s, exit 143, one failure ping', async () => {
    const wrapper = start(['sh', '-c', 'echo $$; exec sleep 300']);
    const childPid = Number((await waitForOutput(wrapper.stdout, '\n')).trim());
    expect(alive(childPid)).toBe(true);
    const sentAt = performance.now();
    wrapper.kill('SIGTERM');
    // The child must be gone within 1 s of the signal.
    while (alive(childPid) && performance.now() - sentAt < 1000) await new Promise((r) => setTimeout(r, 20));
    expect(alive(childPid)).toBe(false);
    const result = await wrapper;
    expect(result.exitCode).toBe(143);
    const terminals = collector.pings().filter((p) => !p.path.endsWith('/start'));
    expect(terminals).toHaveLength(1);
    expect(terminals[0]!.path).toBe(`/v1/ping/${MON}/failure`);
    expect(terminals[0]!.query).toMatchObject({ exit_code: '143', reason: 'signal', signal: 'SIGTERM' });
  });

  test('docker stop: the app runs its own SIGTERM handler, the wrapper exits 143', async () => {
    const wrapper = start(trap(0));
    await waitForOutput(wrapper.stdout, 'ready\n');
    wrapper.kill('SIGTERM');
    const result = await wrapper;
    expect(Buffer.from(result.stdout).toString()).toBe('ready\ngot SIGTERM\ncleanup\n');
    expect(result.exitCode).toBe(143);
    expect(collector.pings().at(-1)!.query).toMatchObject({ reason: 'signal', signal: 'SIGTERM', exit_code: '143' });
  });

  test('Ctrl-C (SIGINT to the whole foreground group) reaches the job once and exits 130', async () => {
    // The wrapper leads its own process group here, as a shell job would.
    const wrapper = start(trap(0), true);
    await waitForOutput(wrapper.stdout, 'ready\n');
    process.kill(-wrapper.pid!, 'SIGINT');
    const result = await wrapper;
    expect(Buffer.from(result.stdout).toString()).toBe('ready\ngot SIGINT\ncleanup\n');
    expect(result.exitCode).toBe(130);
    expect(collector.pings().at(-1)!.query).toMatchObject({ reason: 'signal', signal: 'SIGINT' });
  });

  test('a job that exits non-zero on SIGINT keeps its own code', async () => {
    const wrapper = start(trap(3));
    await waitForOutput(wrapper.stdout, 'ready\n');
    wrapper.kill('SIGINT');
    const result = await wrapper;
    expect(result.exitCode).toBe(3);
  });

  test.for(['SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const)('%s is forwarded', async (signal) => {
    const wrapper = start(trap(0));
    await waitForOutput(wrapper.stdout, 'ready\n');
    wrapper.kill(signal);
    await waitForOutput(wrapper.stdout, `got ${signal}\n`);
    if (signal !== 'SIGHUP') wrapper.kill('SIGTERM');
    const result = await wrapper;
    // SIGUSR1/SIGUSR2 do not ask the job to stop: the SIGTERM that followed decides.
    const expected = signal === 'SIGHUP' ? 129 : signal === 'SIGQUIT' ? 131 : 143;
    expect(result.exitCode).toBe(expected);
    expect(Buffer.from(result.stdout).toString().match(/^got /gm)).toHaveLength(signal === 'SIGHUP' ? 1 : 2);
  });

  test('the wrapper of a job that ignores SIGTERM keeps waiting for it', async () => {
    const wrapper = start(['sh', '-c', 'trap "" TERM; echo ready; sleep 0.6; exit 5']);
    await waitForOutput(wrapper.stdout, 'ready\n');
    wrapper.kill('SIGTERM');
    const result = await wrapper;
    expect(result.exitCode).toBe(5);
  });
});

function hasScript(): boolean {
  if (!existsSync('/bin/bash')) return false;
  try {
    return execaSync('script', ['-qfec', 'true', '/dev/null'], { reject: false, stdin: 'ignore' }).exitCode === 0;
  } catch {
    return false;
  }
}

describe('in a terminal', () => {
  test.skipIf(!hasScript())('Ctrl-C typed in a terminal reaches the job exactly once; the wrapper exits 130', async () => {
    // util-linux script(1) gives the wrapper a pseudo-terminal; writing ^C to it is a real Ctrl-C.
    const command = `${process.execPath} ${BIN} run --monitor ${MON} --url ${collector.url} -- ${process.execPath} ${fixture('trap.mjs')}; echo "exit=$?"`;
    const term = execa('script', ['-qfec', command, '/dev/null'], {
      reject: false,
      stdin: 'pipe',
      // script(1) runs the command with $SHELL, which CI leaves unset (so /bin/sh, dash). dash -c
      // dies of the terminal's SIGINT itself; bash waits and, because the wrapper *exits* 130
      // rather than dying of the signal, goes on to print "exit=130". That is what proves the
      // wrapper exits cleanly, so pin bash.
      env: { SHELL: '/bin/bash', DRUMBEATS_SPOOL_DIR: tempDir(), DRUMBEATS_URL: '', DRUMBEATS_MONITOR: '' },
      timeout: 20_000,
    });
    await waitForOutput(term.stdout, 'ready');
    term.stdin!.write('\x03');
    const result = await term;
    const lines = String(result.stdout).split(/\r?\n/).filter((l) => l !== '');
    expect(lines.filter((l) => l.endsWith('got SIGINT'))).toHaveLength(1);
    expect(lines).toContain('cleanup');
    expect(lines.at(-1)).toBe('exit=130');
    expect(collector.pings().at(-1)!.query).toMatchObject({ reason: 'signal', signal: 'SIGINT', exit_code: '130' });
  });
});

// Needs root (or user namespaces) and util-linux unshare: skipped where unavailable.
function pidNamespaceWorks(): boolean {
  try {
    return execaSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { reject: false }).exitCode === 0;
  } catch {
    return false;
  }
}

describe('as PID 1', () => {
  test.skipIf(!pidNamespaceWorks())('SIGTERM to the wrapper as PID 1 of a PID namespace runs the app handler, exit 143', async () => {
    const outer = execa('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, BIN, 'run', '--monitor', MON, '--url', collector.url, '--', ...trap(0)], {
      reject: false,
      env: { DRUMBEATS_SPOOL_DIR: tempDir(), DRUMBEATS_URL: '', DRUMBEATS_MONITOR: '' },
      stdin: 'ignore',
      timeout: 20_000,
    });
    await waitForOutput(outer.stdout, 'ready\n');
    // The wrapper is unshare's child, PID 1 inside the namespace.
    const wrapperPid = Number(readFileSync(`/proc/${outer.pid}/task/${outer.pid}/children`, 'utf8').trim().split(' ')[0]);
    expect(readFileSync(`/proc/${wrapperPid}/status`, 'utf8')).toMatch(/NSpid:\s+\d+\s+1\n/);
    process.kill(wrapperPid, 'SIGTERM');
    const result = await outer;
    expect(result.stdout).toBe('ready\ngot SIGTERM\ncleanup');
    expect(result.exitCode).toBe(143);
    expect(collector.pings().at(-1)!.query).toMatchObject({ reason: 'signal', signal: 'SIGTERM' });
  });
});
