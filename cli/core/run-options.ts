// Options of `drumbeats run [options] -- <command> [args...]`, parsed by hand
// (no commander on the hot path). Everything after `--`, or from the first
// word that is not an option, is the command, untouched.

import { PAYLOAD_LIMIT_BYTES, RUN_ID_PATTERN } from '../../shared/protocol.ts';
import { optionValue, parseArgv, type OptionSpec } from './argv.ts';
import { parseByteSize, parseDuration } from './duration.ts';
import { compileMilestonePattern } from './milestone.ts';

export const DEFAULT_KILL_AFTER_MS = 10_000;

export interface RunOptions {
  help: boolean;
  monitor: string | undefined;
  url: string | undefined;
  apiKey: string | undefined;
  runId: string | undefined;
  timeoutMs: number | null;
  killAfterMs: number;
  milestone: string | null;
  outputLimitBytes: number;
  sendOutput: boolean;
  quiet: boolean;
  command: string[];
}

const SPECS: readonly OptionSpec[] = [
  { name: 'help', short: 'h', takesValue: false },
  { name: 'monitor', short: 'm', takesValue: true },
  { name: 'url', takesValue: true },
  { name: 'api-key', takesValue: true },
  { name: 'run-id', takesValue: true },
  { name: 'timeout', takesValue: true },
  { name: 'kill-after', takesValue: true },
  { name: 'milestone', takesValue: true },
  { name: 'output-limit', takesValue: true },
  { name: 'no-output', takesValue: false },
  { name: 'quiet', short: 'q', takesValue: false },
];

/** Parses the arguments of `drumbeats run`; an error means the command line itself is wrong. */
export function parseRunOptions(argv: readonly string[]): RunOptions | { error: string } {
  const parsed = parseArgv(argv, SPECS, true);
  if ('error' in parsed) return parsed;
  const help = parsed.values.has('help');
  const command = parsed.rest;
  if (!help && command.length === 0) return { error: 'no command given: drumbeats run [options] -- <command> [args...]' };

  const runId = optionValue(parsed, 'run-id');
  if (runId !== undefined && !RUN_ID_PATTERN.test(runId)) {
    return { error: '--run-id must be 1-128 printable ASCII characters without spaces' };
  }
  let timeoutMs: number | null = null;
  const timeout = optionValue(parsed, 'timeout');
  if (timeout !== undefined) {
    const d = parseDuration(timeout);
    if ('error' in d) return { error: `--timeout: ${d.error}` };
    if (d.ms === 0) return { error: '--timeout must be longer than 0' };
    timeoutMs = d.ms;
  }
  let killAfterMs = DEFAULT_KILL_AFTER_MS;
  const killAfter = optionValue(parsed, 'kill-after');
  if (killAfter !== undefined) {
    const d = parseDuration(killAfter);
    if ('error' in d) return { error: `--kill-after: ${d.error}` };
    killAfterMs = d.ms;
  }
  // A regex typo is a command-line mistake like a bad duration: refused at
  // once, not a warning that milestones silently stop being reported.
  const milestone = optionValue(parsed, 'milestone') ?? null;
  if (milestone !== null) {
    const pattern = compileMilestonePattern(milestone);
    if (!(pattern instanceof RegExp)) return pattern;
  }
  let outputLimitBytes = PAYLOAD_LIMIT_BYTES;
  const limit = optionValue(parsed, 'output-limit');
  if (limit !== undefined) {
    const s = parseByteSize(limit);
    if ('error' in s) return { error: `--output-limit: ${s.error}` };
    if (s.bytes > PAYLOAD_LIMIT_BYTES) return { error: `--output-limit: the collector stores at most ${PAYLOAD_LIMIT_BYTES} bytes per ping` };
    outputLimitBytes = s.bytes;
  }
  return {
    help,
    monitor: optionValue(parsed, 'monitor'),
    url: optionValue(parsed, 'url'),
    apiKey: optionValue(parsed, 'api-key'),
    runId,
    timeoutMs,
    killAfterMs,
    milestone,
    outputLimitBytes,
    sendOutput: !parsed.values.has('no-output'),
    quiet: parsed.values.has('quiet'),
    command,
  };
}
