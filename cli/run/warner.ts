// The wrapper's voice on stderr, prefixed `drumbeats:`, never on stdout,
// nothing at all with --quiet: at most one line about monitoring this run,
// plus one about the settings (a broken config file) when there is one. The
// settings line never takes the place of the other: after "ignoring the config
// file" the user must still learn that the job ran unmonitored or that its
// pings were spooled.

export interface Warner {
  /** The one warning about monitoring this run; later ones are dropped. */
  warn(message: string): void;
  /** The one warning about the settings; it does not count as the monitoring warning. */
  warnSettings(message: string): void;
  readonly warned: boolean;
}

/** Creates the once-only warner writing to `stream`. */
export function createWarner(stream: NodeJS.WritableStream, quiet: boolean): Warner {
  let warned = false;
  let warnedSettings = false;
  return {
    warn(message: string): void {
      if (warned) return;
      warned = true;
      if (!quiet) stream.write(`drumbeats: ${message}\n`);
    },
    warnSettings(message: string): void {
      if (warnedSettings) return;
      warnedSettings = true;
      if (!quiet) stream.write(`drumbeats: ${message}\n`);
    },
    get warned() {
      return warned;
    },
  };
}
