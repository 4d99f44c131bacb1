// `npm run demo` (scripts/demo.mjs) cleans up however it is stopped: a signal,
// Ctrl-C, or `| head` closing its output. Nothing it started may keep running
// and its temp dir (API key, database) must be gone.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { REPO_ROOT, cleanupTempDirs, makeTempDir } from './helpers/collector.ts';

afterAll(() => cleanupTempDirs());

/** Pids whose parent is `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

interface Demo {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the demo (in its own process group, as a terminal's foreground job is) and waits until `ready` appears on its stdout. */
async function startDemo(ready: RegExp): Promise<Demo> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'demo.mjs')], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', DRUMBEATS_CONFIG_DIR: makeTempDir(), DRUMBEATS_SPOOL_DIR: makeTempDir() },
  });
  let out = '';
  child.stderr!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not print ${ready} in 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { child, output: () => out, exited };
}

/** Stops the demo with `stopIt`, then checks that its processes and temp dir are gone; returns how it exited. */
async function expectCleanStop(demo: Demo, stopIt: () => void): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const work = /data in (\S+)\/data\n/.exec(demo.output())?.[1];
  expect(work).toMatch(/drumbeats-demo-/);
  expect(existsSync(work!)).toBe(true);
  // The collector and the webhook handler or a step at least (a step is spawned
  // just after its command line is printed: wait for it).
  let started = childPids(demo.child.pid!);
  for (let i = 0; i < 100 && started.length < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    started = childPids(demo.child.pid!);
  }
  expect(started.length).toBeGreaterThanOrEqual(2);
  try {
    stopIt();
    const result = await demo.exited;
    expect(started.filter(alive)).toEqual([]);
    expect(existsSync(work!)).toBe(false);
    return result;
  } finally {
    for (const pid of started.filter(alive)) process.kill(pid, 'SIGKILL');
    rmSync(work!, { recursive: true, force: true });
  }
}

// Once the webhook handler runs, the demo has every kind of child.
const HANDLER_RUNNING = /delivered evt_demo_1_/;

describe.skipIf(process.platform !== 'linux').concurrent('the demo leaves nothing behind', () => {
  test.for(['SIGTERM', 'SIGHUP'] as const)('%s: children stopped, temp dir removed, dies of that signal', { timeout: 60_000 }, async (signal) => {
    const demo = await startDemo(HANDLER_RUNNING);
    const result = await expectCleanStop(demo, () => demo.child.kill(signal));
    expect(result).toEqual({ code: null, signal });
  });

  test('Ctrl-C (SIGINT to its process group)', { timeout: 60_000 }, async () => {
    const demo = await startDemo(HANDLER_RUNNING);
    const result = await expectCleanStop(demo, () => process.kill(-demo.child.pid!, 'SIGINT'));
    expect(result).toEqual({ code: null, signal: 'SIGINT' });
  });

  test('a SIGTERM while a step runs stops that step too', { timeout: 60_000 }, async () => {
    const demo = await startDemo(/\$ \.\/examples\/invoice-workflow\.sh\n/);
    const result = await expectCleanStop(demo, () => demo.child.kill('SIGTERM'));
    expect(result.signal).toBe('SIGTERM');
  });

  test('its output closed (`npm run demo | head`): EPIPE, children stopped, temp dir removed, exit 0', { timeout: 60_000 }, async () => {
    const demo = await startDemo(HANDLER_RUNNING);
    const result = await expectCleanStop(demo, () => demo.child.stdout!.destroy());
    expect(result).toEqual({ code: 0, signal: null });
  });
});
