// Options of `drumbeats ping <start|log|success|failure> [options]` and
// `drumbeats flush [options]`, parsed by hand for the hot path.

import { MESSAGE_MAX_CHARS, RUN_ID_PATTERN } from '../../shared/protocol.ts';
import { optionValue, parseArgv, type OptionSpec } from './argv.ts';

export const PING_ACTIONS = ['start', 'log', 'success', 'failure'] as const;
export type PingAction = (typeof PING_ACTIONS)[number];
/** Other spellings accepted on the command line, as the HTTP API accepts /fail. */
const PING_ACTION_ALIASES: Readonly<Record<string, PingAction>> = { fail: 'failure' };

export interface PingOptions {
  help: boolean;
  action: PingAction;
  monitor: string | undefined;
  url: string | undefined;
  apiKey: string | undefined;
  runId: string | undefined;
  message: string | undefined;
  exitCode: number | undefined;
  quiet: boolean;
}

export interface FlushOptions {
  help: boolean;
  apiKey: string | undefined;
  /** Deliver to this collector instead of the one each ping was recorded for. */
  url: string | undefined;
  spoolDir: string | undefined;
  quiet: boolean;
}

const COMMON: readonly OptionSpec[] = [
  { name: 'help', short: 'h', takesValue: false },
  { name: 'quiet', short: 'q', takesValue: false },
  { name: 'api-key', takesValue: true },
];

const PING_SPECS: readonly OptionSpec[] = [
  ...COMMON,
  { name: 'monitor', short: 'm', takesValue: true },
  { name: 'url', takesValue: true },
  { name: 'run-id', takesValue: true },
  { name: 'message', takesValue: true },
  { name: 'exit-code', takesValue: true },
];

const FLUSH_SPECS: readonly OptionSpec[] = [...COMMON, { name: 'spool-dir', takesValue: true }, { name: 'url', takesValue: true }];

/** Parses the arguments of `drumbeats ping`. */
export function parsePingOptions(argv: readonly string[]): PingOptions | { error: string } {
  const parsed = parseArgv(argv, PING_SPECS, false);
  if ('error' in parsed) return parsed;
  const help = parsed.values.has('help');
  const [given, ...extra] = [...parsed.positionals, ...parsed.rest];
  if (help) return { ...empty(), help };
  if (given === undefined) return { error: 'missing ping kind: drumbeats ping start|log|success|failure' };
  const action = PING_ACTION_ALIASES[given] ?? given;
  if (!(PING_ACTIONS as readonly string[]).includes(action)) return { error: `unknown ping kind "${given}": use start, log, success or failure (or fail)` };
  if (extra.length > 0) return { error: `unexpected argument "${extra[0]}"` };
  const runId = optionValue(parsed, 'run-id');
  if (runId !== undefined && !RUN_ID_PATTERN.test(runId)) return { error: '--run-id must be 1-128 printable ASCII characters without spaces' };
  if (runId === undefined && action !== 'start') return { error: `--run-id is required for "ping ${action}" (use the id printed by "ping start")` };
  const message = optionValue(parsed, 'message');
  if (message !== undefined && [...message].length > MESSAGE_MAX_CHARS) return { error: `--message is longer than ${MESSAGE_MAX_CHARS} characters` };
  let exitCode: number | undefined;
  const code = optionValue(parsed, 'exit-code');
  if (code !== undefined) {
    if (!/^\d{1,3}$/.test(code) || Number(code) > 255) return { error: '--exit-code must be an integer from 0 to 255' };
    if (action === 'start' || action === 'log') return { error: `--exit-code is only allowed on success and failure` };
    exitCode = Number(code);
  }
  return {
    help,
    action: action as PingAction,
    monitor: optionValue(parsed, 'monitor'),
    url: optionValue(parsed, 'url'),
    apiKey: optionValue(parsed, 'api-key'),
    runId,
    message,
    exitCode,
    quiet: parsed.values.has('quiet'),
  };
}

/** Parses the arguments of `drumbeats flush`. */
export function parseFlushOptions(argv: readonly string[]): FlushOptions | { error: string } {
  const parsed = parseArgv(argv, FLUSH_SPECS, false);
  if ('error' in parsed) return parsed;
  const extra = [...parsed.positionals, ...parsed.rest];
  if (extra.length > 0) return { error: `unexpected argument "${extra[0]}"` };
  return {
    help: parsed.values.has('help'),
    apiKey: optionValue(parsed, 'api-key'),
    url: optionValue(parsed, 'url'),
    spoolDir: optionValue(parsed, 'spool-dir'),
    quiet: parsed.values.has('quiet'),
  };
}

function empty(): PingOptions {
  return { help: false, action: 'start', monitor: undefined, url: undefined, apiKey: undefined, runId: undefined, message: undefined, exitCode: undefined, quiet: false };
}
