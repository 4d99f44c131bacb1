// The wrapper's voice: at most one line on stderr per invocation, prefixed
// `drumbeats:`, never on stdout, nothing at all with --quiet.

export interface Warner {
  warn(message: string): void;
  readonly warned: boolean;
}

/** Creates the once-only warner writing to `stream`. */
export function createWarner(stream: NodeJS.WritableStream, quiet: boolean): Warner {
  let warned = false;
  return {
    warn(message: string): void {
      if (warned) return;
      warned = true;
      if (!quiet) stream.write(`drumbeats: ${message}\n`);
    },
    get warned() {
      return warned;
    },
  };
}
