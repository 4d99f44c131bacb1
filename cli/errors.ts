// Typed CLI errors. `main` (program.ts) is the one place they become a
// stderr line and an exit code; nothing else prints errors or exits.

/** Exit codes of the read and management commands (documented in the README). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  unreachable: 3,
  unauthorized: 4,
  notFound: 5,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    /** The collector's error code (`ambiguous_run`, ...) when the error is its answer. */
    readonly apiCode: string | null = null,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
