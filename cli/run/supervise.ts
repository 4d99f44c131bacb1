// Runs the job: argv untouched (no shell), stdin inherited, stdout and stderr
// passed through byte for byte as they arrive while a copy feeds the tail.
// Outside a terminal the job gets its own process group, so signals and the
// timeout reach it (and its children) exactly once from the wrapper.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readSync } from 'node:fs';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { ChildEnd, SignalInfo } from '../core/outcome.ts';
import type { StreamName } from '../core/output-tail.ts';
import { findLeafDescendants, type ProcessEntry } from '../core/process-tree.ts';

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

  // Our reader went away: the job's writers get SIGPIPE, as they would
  // unwrapped, rather than a "write error: Connection reset by peer".
  function sendSigpipe(): void {
    if (exited || child.pid === undefined) return;
    const table = readProcessTable();
    const targets = table === null ? [options.ownGroup ? -child.pid : child.pid] : findLeafDescendants(child.pid, table);
    for (const pid of targets) {
      try {
        process.kill(pid, 'SIGPIPE');
      } catch {
        // already gone
      }
    }
  }

  const streams: Array<{ src: Readable; done: Promise<void> }> = [];
  for (const [name, src, dest] of [
    ['out', child.stdout, process.stdout],
    ['err', child.stderr, process.stderr],
  ] as const) {
    if (src === null) continue;
    streams.push({ src, done: passThrough(name, src, dest, options.onOutput, sendSigpipe) });
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
  onReaderGone: () => void,
): Promise<void> {
  let destOpen = true;
  // If our own stdout goes away (`drumbeats run -- job | head`), the job's
  // writers get SIGPIPE and we stop reading its pipe, so it ends just as it
  // would unwrapped instead of running on with nobody reading.
  const onDestError = (err: NodeJS.ErrnoException): void => {
    if (!destOpen) return;
    destOpen = false;
    if (err.code === 'EPIPE' || err.code === 'ECONNRESET') onReaderGone();
    drainPipe(src, (chunk) => onOutput(name, chunk));
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

// Most bytes read from the job's pipe before closing it after our reader left.
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * Empties the job's pipe, synchronously, just before it is closed. Node gives
 * the job a socketpair, not a pipe: closing it with unread data makes the
 * job's pending write fail with ECONNRESET ("write error: Connection reset by
 * peer", exit 1). Closed empty, the job's next write fails with EPIPE and the
 * kernel sends SIGPIPE to exactly the process that wrote, as with a real pipe
 * whose reader went away (exit 141; a shell around it carries on).
 */
function drainPipe(src: Readable, onChunk: (chunk: Buffer) => void): void {
  const fd = (src as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return;
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (let total = 0; total < MAX_DRAIN_BYTES; ) {
    let n: number;
    try {
      n = readSync(fd, buffer); // non-blocking fd: EAGAIN once it is empty
    } catch {
      return;
    }
    if (n === 0) return;
    total += n;
    onChunk(Buffer.from(buffer.subarray(0, n)));
  }
}

// pid and parent pid of every process, from /proc (Linux); null elsewhere.
function readProcessTable(): ProcessEntry[] | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const table: ProcessEntry[] = [];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after "(comm)": state ppid ...; a zombie is no longer running.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') table.push({ pid: Number(pid), ppid: Number(ppid) });
    } catch {
      // exited meanwhile
    }
  }
  return table;
}
