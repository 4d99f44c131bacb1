// Runs the job: argv untouched (no shell), stdin inherited, stdout and stderr
// passed through byte for byte as they arrive while a copy feeds the tail.
// Outside a terminal the job gets its own process group, so signals and the
// timeout reach it (and its children) exactly once from the wrapper.

import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { ChildEnd, SignalInfo } from '../core/outcome.ts';
import type { StreamName } from '../core/output-tail.ts';

export interface SuperviseOptions {
  command: readonly string[];
  /** Start the job in its own process group (and session); signals then go to the whole group. */
  ownGroup: boolean;
  /** Every chunk of output, after it was passed through. */
  onOutput(stream: StreamName, chunk: Buffer): void;
}

export interface SupervisedJob {
  pid: number | undefined;
  /** How the job ended and how long it ran (monotonic ms). */
  ended: Promise<{ end: ChildEnd; durationMs: number }>;
  /** Waits for the job's stdout and stderr to close, at most `graceMs`; then stops reading them. */
  drainOutput(graceMs: number): Promise<void>;
  /** Sends a signal to the job (its whole group with ownGroup); false if it is gone. */
  signal(name: NodeJS.Signals): boolean;
}

/** Looks up a signal's number on this platform. */
export function signalInfo(name: string): SignalInfo {
  return { name, number: (constants.signals as Record<string, number>)[name] ?? 0 };
}

/** Starts the job and wires its output through. */
export function superviseJob(options: SuperviseOptions): SupervisedJob {
  const [file, ...args] = options.command;
  const startedAt = performance.now();
  const child = spawn(file as string, args, {
    stdio: ['inherit', 'pipe', 'pipe'],
    detached: options.ownGroup,
    windowsHide: true,
  });
  let exited = child.pid === undefined;

  const ended = new Promise<{ end: ChildEnd; durationMs: number }>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // e.g. a failed kill: the job still runs
      exited = true;
      resolve({
        end: { kind: 'spawn_error', errorCode: err.code ?? 'UNKNOWN', command: file as string, detail: err.message },
        durationMs: performance.now() - startedAt,
      });
    });
    child.once('exit', (code, signal) => {
      exited = true;
      const durationMs = performance.now() - startedAt;
      if (signal !== null) resolve({ end: { kind: 'signaled', signal: signalInfo(signal) }, durationMs });
      else resolve({ end: { kind: 'exited', code: code ?? 0 }, durationMs });
    });
  });

  const streams: Array<{ src: Readable; done: Promise<void> }> = [];
  for (const [name, src, dest] of [
    ['out', child.stdout, process.stdout],
    ['err', child.stderr, process.stderr],
  ] as const) {
    if (src === null) continue;
    streams.push({ src, done: passThrough(name, src, dest, options.onOutput) });
  }

  return {
    pid: child.pid,
    ended,
    async drainOutput(graceMs: number): Promise<void> {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.all(streams.map((s) => s.done)), grace]);
      clearTimeout(timer);
      // A background grandchild may still hold the pipes: stop reading so the
      // wrapper can exit. Its later writes fail with EPIPE/SIGPIPE.
      for (const s of streams) s.src.destroy();
    },
    signal(name: NodeJS.Signals): boolean {
      if (exited || child.pid === undefined) return false;
      try {
        process.kill(options.ownGroup ? -child.pid : child.pid, name);
        return true;
      } catch {
        return false;
      }
    },
  };
}

function passThrough(
  name: StreamName,
  src: Readable,
  dest: NodeJS.WriteStream,
  onOutput: (stream: StreamName, chunk: Buffer) => void,
): Promise<void> {
  let destOpen = true;
  // If our own stdout goes away (`drumbeats run -- job | head`), stop reading
  // the job's pipe so its next writes fail just as they would unwrapped.
  const onDestError = (): void => {
    destOpen = false;
    src.destroy();
  };
  dest.on('error', onDestError);
  src.on('data', (chunk: Buffer) => {
    if (destOpen && !dest.write(chunk)) {
      // Backpressure: hold the job's output in its pipe rather than in memory.
      src.pause();
      dest.once('drain', () => src.resume());
    }
    onOutput(name, chunk);
  });
  return new Promise<void>((resolve) => {
    src.once('close', () => {
      dest.off('error', onDestError);
      resolve();
    });
  });
}
