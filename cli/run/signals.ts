// Catching the signals the wrapper forwards. Installing a handler also keeps
// the wrapper alive when it runs as PID 1 in a container, where the kernel
// ignores signals that have no handler.

import { readFileSync } from 'node:fs';
import { FORWARDED_SIGNALS } from '../core/outcome.ts';

/** Calls `onSignal` for each forwarded signal received until the returned function is called. */
export function catchSignals(onSignal: (name: NodeJS.Signals) => void): () => void {
  const handlers = FORWARDED_SIGNALS.map((name) => {
    const handler = (): void => onSignal(name);
    process.on(name, handler);
    return [name, handler] as const;
  });
  return () => {
    for (const [name, handler] of handlers) process.off(name, handler);
  };
}

/**
 * True when this process is in the foreground process group of its terminal
 * (Linux, from /proc). A SIGINT or SIGQUIT then came from the keyboard and
 * already reached every process of the group, the job included.
 */
export function inForegroundOfTerminal(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after "(comm)": state ppid pgrp session tty_nr tpgid ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgrp = Number(fields[2]);
    const tpgid = Number(fields[5]);
    return tpgid > 0 && tpgid === pgrp;
  } catch {
    return false;
  }
}
