// Every command except the hot-path ones (run, ping, flush) goes through
// commander here. This module is loaded lazily by main.ts; the heavier
// libraries (tables, colour) load inside the commands that print.

import { Argument, Command, CommanderError, Option } from 'commander';
import { readConfigFile } from './config-file.ts';
import { parseThresholdSeconds } from './core/monitor-input.ts';
import { DEFAULT_COLLECTOR_URL, resolveSettings, type Settings } from './core/settings.ts';
import { CliError, EXIT } from './errors.ts';

export interface GlobalOptions {
  url?: string;
  apiKey?: string;
}

/** Parses argv, runs the command, and maps every error to one stderr line and an exit code. */
export async function runProgram(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // `drumbeats help run`: the hot-path commands print their own usage, not commander's.
  const [first, second] = argv.slice(2);
  if (first === 'help' && isHotPathCommand(second)) return runHotPathCommand(second, ['--help'], env);
  // `drumbeats runs ls | head`: the reader left, which is not an error of ours. Stop quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(EXIT.ok);
      throw error;
    });
  }
  const outcome = { exitCode: EXIT.ok as number };
  const program = buildProgram(env, outcome, argv.slice(2));
  try {
    await program.parseAsync(argv);
    return outcome.exitCode;
  } catch (error) {
    return reportError(error, env);
  }
}

const HOT_PATH_COMMANDS = ['run', 'ping', 'flush'] as const;
type HotPathCommand = (typeof HOT_PATH_COMMANDS)[number];

const isHotPathCommand = (name: string | undefined): name is HotPathCommand => (HOT_PATH_COMMANDS as readonly (string | undefined)[]).includes(name);

/** Runs `drumbeats run|ping|flush` with its own hand-written parser, as main.ts does. */
async function runHotPathCommand(name: HotPathCommand, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  switch (name) {
    case 'run': {
      const { runCommand } = await import('./commands/run.ts');
      return runCommand(args, env);
    }
    case 'ping': {
      const { pingCommand } = await import('./commands/ping.ts');
      return pingCommand(args, env);
    }
    case 'flush': {
      const { flushCommand } = await import('./commands/flush.ts');
      return flushCommand(args, env);
    }
  }
}

/**
 * The arguments of a hot-path command as typed, without its name: global options
 * before it (`--url`, `--api-key`, which run, ping and flush also accept) are kept,
 * and `--` survives, which commander's parsed operands would not guarantee.
 */
function hotPathArgs(rawArgs: readonly string[], name: string): string[] {
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i];
    if (arg === '--url' || arg === '--api-key') i++;
    else if (arg === name) return [...rawArgs.slice(0, i), ...rawArgs.slice(i + 1)];
  }
  return [...rawArgs];
}

function buildProgram(env: NodeJS.ProcessEnv, outcome: { exitCode: number }, userArgs: readonly string[]): Command {
  const program = new Command('drumbeats')
    .description('Monitor every run of your background jobs.')
    .version(VERSION, '-V, --version')
    .option('--url <url>', `collector URL (env DRUMBEATS_URL, then \`drumbeats login\`, default ${DEFAULT_COLLECTOR_URL})`)
    .option('--api-key <key>', 'management API key (env DRUMBEATS_API_KEY, then `drumbeats login`)')
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  $ drumbeats collector --data-dir ./drumbeats-data
  $ drumbeats monitors create "Nightly backup" --max-duration 3600
  $ drumbeats run --monitor nightly-backup -- ./backup.sh
  $ drumbeats runs ls --monitor nightly-backup --status failed
  $ drumbeats runs show nightly-20261203
  $ drumbeats tail
  $ drumbeats login --url https://drumbeats.example.com
  $ drumbeats status

Exit codes: 0 ok, 1 failure, 2 usage, 3 collector unreachable, 4 API key refused, 5 not found.
DRUMBEATS_DEBUG=1 prints stack traces; NO_COLOR=1 / FORCE_COLOR=1 turn colour off / on.`,
    );

  // flag > env > config file > default, resolved once per command into a frozen object.
  const client = (command: Command): Settings => {
    const opts = command.optsWithGlobals<GlobalOptions>();
    const resolved = resolveSettings({ url: opts.url, apiKey: opts.apiKey }, env, readConfigFile(env));
    if ('error' in resolved) throw new CliError(resolved.error, EXIT.usage);
    return resolved.settings;
  };
  const example = (text: string) => `\nExample${text.includes('\n') ? 's' : ''}:\n${text.split('\n').map((line) => `  $ ${line}`).join('\n')}`;

  // run, ping and flush are dispatched by main.ts before commander loads (startup
  // budget); they are declared here too so that help and completion list them.
  const hotPath: Record<HotPathCommand, { args: string; description: string; example: string }> = {
    run: {
      args: '[command...]',
      description: 'wrap a job: run it, report its start, milestones, exit and output tail, exit with its status',
      example: 'drumbeats run --monitor nightly-backup --timeout 2h -- ./backup.sh',
    },
    ping: {
      args: '[kind]',
      description: 'send one ping (start, log, success, failure) from a script that reports its own runs',
      example: 'drumbeats ping success --monitor invoices --run-id "$RUN"',
    },
    flush: {
      args: '[options]',
      description: 'send the pings saved in the spool while the collector was unreachable',
      example: 'drumbeats flush && echo "spool empty"',
    },
  };
  for (const name of HOT_PATH_COMMANDS) {
    const { args, description, example: text } = hotPath[name];
    program
      .command(name)
      .description(description)
      .argument(args)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .addHelpText('after', `${example(text)}\n\nFull usage: drumbeats ${name} --help`)
      .action(async () => {
        outcome.exitCode = await runHotPathCommand(name, hotPathArgs(userArgs, name), env);
      });
  }

  program
    .command('collector')
    .description('start the collector: ping API, management API, watchdog')
    .option('--host <host>', 'address to listen on (env DRUMBEATS_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free one (env DRUMBEATS_PORT, default 8417)')
    .option('--data-dir <dir>', 'where the database and generated API key live (env DRUMBEATS_DATA_DIR)')
    .option('--public-url <url>', 'base URL shown in ping URLs (env DRUMBEATS_PUBLIC_URL)')
    .option('--dashboard-password <password>', 'also accept this at dashboard login, besides the API key (env DRUMBEATS_DASHBOARD_PASSWORD, preferred: flags show in ps)')
    .addOption(
      new Option('--sync <mode>', 'fsync policy: full survives power loss, normal only a crash')
        .choices(['full', 'normal'])
        .default('full'),
    )
    .addHelpText('after', example('drumbeats collector --port 8417 --data-dir /var/lib/drumbeats'))
    .action(async (opts: { host?: string; port?: string; dataDir?: string; publicUrl?: string; dashboardPassword?: string; sync: 'full' | 'normal' }) => {
      const { collectorCommand } = await import('./commands/collector.ts');
      await collectorCommand(opts, env);
    });

  const monitors = program
    .command('monitors')
    .description('list, show, create, update and remove monitors')
    .addHelpText('after', example('drumbeats monitors ls\ndrumbeats monitors show nightly-backup'));
  monitors
    .command('ls')
    .alias('list')
    .description('list monitors')
    .option('--json', 'print a JSON array')
    .addHelpText('after', example('drumbeats monitors ls --json'))
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { monitorsList } = await import('./commands/monitors.ts');
      await monitorsList(client(command), opts, env);
    });
  monitors
    .command('show <monitor>')
    .description('show a monitor with stats over its latest runs: success rate, durations, histogram, thresholds')
    .option('--runs <n>', 'how many of the latest runs to summarise (1-1000)', parseRange('--runs', 1, 1000), 100)
    .option('--json', 'print {"monitor": ..., "stats": ...} as one JSON object')
    .addHelpText('after', example('drumbeats monitors show nightly-backup --runs 50'))
    .action(async (idOrSlug: string, opts: { runs: number; json?: boolean }, command: Command) => {
      const { monitorsShow } = await import('./commands/monitors.ts');
      await monitorsShow(client(command), idOrSlug, opts, env);
    });
  monitors
    .command('create <name>')
    .description('create a monitor and print its ping URL')
    .option('--slug <slug>', 'short name for the CLI (default: derived from the name)')
    .option('--min-duration <seconds>', 'raise DURATION_LOW when a success comes sooner', parseSeconds('--min-duration'))
    .option('--max-duration <seconds>', 'raise DURATION_HIGH and arm the watchdog', parseSeconds('--max-duration'))
    .option('--json', 'print the monitor as one JSON object')
    .addHelpText('after', example('drumbeats monitors create "Stripe webhooks" --min-duration 0.5 --max-duration 30'))
    .action(async (name: string, opts: { slug?: string; minDuration?: number; maxDuration?: number; json?: boolean }, command: Command) => {
      const { monitorsCreate } = await import('./commands/monitors.ts');
      await monitorsCreate(client(command), name, opts);
    });
  monitors
    .command('update <monitor>')
    .description('rename a monitor or change its thresholds ("none" removes one)')
    .option('--name <name>', 'new display name')
    .option('--slug <slug>', 'new slug')
    .option('--min-duration <seconds|none>', 'raise DURATION_LOW when a success comes sooner', parseSecondsOrNone('--min-duration'))
    .option('--max-duration <seconds|none>', 'raise DURATION_HIGH and arm the watchdog', parseSecondsOrNone('--max-duration'))
    .option('--json', 'print the updated monitor as one JSON object')
    .addHelpText('after', example('drumbeats monitors update nightly-backup --max-duration 7200 --min-duration none'))
    .action(
      async (
        idOrSlug: string,
        opts: { name?: string; slug?: string; minDuration?: number | 'none'; maxDuration?: number | 'none'; json?: boolean },
        command: Command,
      ) => {
        const { monitorsUpdate } = await import('./commands/monitors.ts');
        await monitorsUpdate(client(command), idOrSlug, { ...opts, minDuration: noneToNull(opts.minDuration), maxDuration: noneToNull(opts.maxDuration) });
      },
    );
  monitors
    .command('rm <monitor>')
    .alias('delete')
    .description('delete a monitor with all its runs and pings')
    .option('-y, --yes', 'do not ask for confirmation (required when not on a terminal)')
    .addHelpText('after', example('drumbeats monitors rm old-backup --yes'))
    .action(async (idOrSlug: string, opts: { yes?: boolean }, command: Command) => {
      const { monitorsRemove } = await import('./commands/monitors.ts');
      await monitorsRemove(client(command), idOrSlug, opts);
    });

  const runs = program
    .command('runs')
    .description('list runs and show one run in detail')
    .addHelpText('after', example('drumbeats runs ls --status failed\ndrumbeats runs show nightly-20261203'));
  runs
    .command('ls')
    .alias('list')
    .description('list runs, newest first, a page at a time')
    .option('--monitor <id|slug>', 'only this monitor')
    .addOption(new Option('--status <status>', 'only runs with this status').choices(['running', 'success', 'failed']))
    .option('--since <when>', 'only runs started since: 2h, 7d, yesterday, 2026-12-01, an ISO time')
    .option('--before <when|cursor>', 'only runs started before a time, or the next page (the cursor printed under a page)')
    .option('--run-id <run_id>', 'only runs with this run id (one per monitor)')
    .option('--limit <n>', 'how many runs (1-1000, default 20)', parseRange('--limit', 1, 1000), 20)
    .option('--json', 'print a JSON array (the next page cursor goes to stderr)')
    .addHelpText(
      'after',
      example('drumbeats runs ls --monitor nightly-backup --status failed --since 7d\ndrumbeats runs ls --limit 50 --before 1796299203000.42'),
    )
    .action(
      async (
        opts: { monitor?: string; status?: string; since?: string; before?: string; runId?: string; limit: number; json?: boolean },
        command: Command,
      ) => {
        const { runsList } = await import('./commands/runs.ts');
        await runsList(client(command), opts, env);
      },
    );
  runs
    .command('show <run_id>')
    .description("a run's timeline: every ping with offset and gap (unusual gaps marked), events, exit code, output tail")
    .option('--monitor <id|slug>', 'the monitor, when the run id exists in several')
    .option('--json', 'print the run with its pings and timeline as one JSON object')
    .addHelpText('after', example('drumbeats runs show nightly-20261203 --monitor nightly-backup'))
    .action(async (runId: string, opts: { monitor?: string; json?: boolean }, command: Command) => {
      const { runsShow } = await import('./commands/runs.ts');
      await runsShow(client(command), runId, opts, env);
    });

  program
    .command('tail')
    .description('follow pings and run events live; survives collector restarts without losing any')
    .option('--monitor <id|slug>', 'only this monitor')
    .option('--json', 'print one JSON object per line')
    .addHelpText('after', example('drumbeats tail --monitor nightly-backup\ndrumbeats tail --json | jq .ping.message'))
    .action(async (opts: { monitor?: string; json?: boolean }, command: Command) => {
      const { tailCommand } = await import('./commands/tail.ts');
      await tailCommand(client(command), opts, env);
    });

  program
    .command('export')
    .description('write pings as CSV (RFC 4180, UTC times), oldest first; streams any number of pings')
    .option('--monitor <id|slug>', 'only this monitor')
    .option('--since <when>', 'only pings received since: 2h, 7d, yesterday, 2026-12-01, an ISO time')
    .option('--until <when>', 'only pings received before this time')
    .addOption(new Option('--kind <kind>', 'only this kind of ping').choices(['start', 'log', 'success', 'failure']))
    .option('--q <words>', 'only pings whose message or payload contains these words (prefix match)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      example('drumbeats export --monitor stripe-webhooks --since 7d > pings.csv\ndrumbeats export --kind failure --q timeout -o failures.csv'),
    )
    .action(async (opts: { monitor?: string; since?: string; until?: string; kind?: string; q?: string; output?: string }, command: Command) => {
      const { exportCommand } = await import('./commands/export.ts');
      await exportCommand(client(command), opts);
    });

  program
    .command('login')
    .description('check a collector URL and API key and save them in your config file (mode 0600)')
    .option('--api-key-stdin', 'read the API key from stdin (keeps it out of shell history)')
    .option('--no-verify', 'save without asking the collector')
    .addHelpText(
      'after',
      `${example('drumbeats login --url https://drumbeats.example.com --api-key-stdin < key.txt\ndrumbeats login   # asks on a terminal')}\n\nUses the global --url and --api-key when given.`,
    )
    .action(async (opts: { apiKeyStdin?: boolean; verify: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const { login } = await import('./commands/config.ts');
      await login({ ...(globals.url !== undefined && { url: globals.url }), ...(globals.apiKey !== undefined && { apiKey: globals.apiKey }), ...opts }, env);
    });

  const config = program
    .command('config')
    .description('read and change saved settings (url, api_key)')
    .addHelpText('after', example('drumbeats config list\ndrumbeats config set url https://drumbeats.example.com'));
  config
    .command('get <key>')
    .description('print a saved setting: url or api_key')
    .option('--json', 'print {"key", "value"}')
    .addHelpText('after', example('drumbeats config get url'))
    .action(async (key: string, opts: { json?: boolean }) => {
      const { configGet } = await import('./commands/config.ts');
      await configGet(key, opts, env);
    });
  config
    .command('set <key> <value>')
    .description('save a setting: url or api_key')
    .addHelpText('after', example('drumbeats config set url http://10.0.0.5:8417'))
    .action(async (key: string, value: string) => {
      const { configSet } = await import('./commands/config.ts');
      await configSet(key, value, env);
    });
  config
    .command('unset <key>')
    .description('remove a saved setting')
    .addHelpText('after', example('drumbeats config unset api_key'))
    .action(async (key: string) => {
      const { configUnset } = await import('./commands/config.ts');
      await configUnset(key, env);
    });
  config
    .command('list')
    .alias('ls')
    .description('show saved settings (key masked) and what is in effect now')
    .option('--json', 'print one JSON object')
    .addHelpText('after', example('drumbeats config list --json'))
    .action(async (opts: { json?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const { configList } = await import('./commands/config.ts');
      await configList({ ...(globals.url !== undefined && { url: globals.url }), ...(globals.apiKey !== undefined && { apiKey: globals.apiKey }) }, opts, env);
    });
  config
    .command('path')
    .description('print where the config file is')
    .addHelpText('after', example('drumbeats config path'))
    .action(async () => {
      const { configPath } = await import('./commands/config.ts');
      configPath(env);
    });

  program
    .command('status')
    .alias('doctor')
    .description('check the set-up: which collector, reachable, key valid, pings waiting in the spool')
    .option('--json', 'print one JSON object')
    .addHelpText('after', example('drumbeats status\ndrumbeats doctor --json'))
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { statusCommand } = await import('./commands/status.ts');
      await statusCommand(client(command), opts, VERSION, env);
    });

  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .addHelpText('after', example('source <(drumbeats completion bash)   # in ~/.bashrc\nsource <(drumbeats completion zsh)    # in ~/.zshrc, after compinit'))
    .action(async (shell: 'bash' | 'zsh') => {
      const { completionCommand } = await import('./commands/completion.ts');
      completionCommand(program, shell);
    });

  return program;
}

function reportError(error: unknown, env: NodeJS.ProcessEnv): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
    // `drumbeats runs` without a subcommand: commander printed the help on stderr
    // and says so with a non-zero code; asked for (`drumbeats help`), it is 0.
    if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    process.stderr.write(`drumbeats: ${error.message.replace(/^error: /, '')} (see --help)\n`);
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    if (env.DRUMBEATS_DEBUG === '1' && error.stack) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write(`drumbeats: ${error.message}\n`);
    return error.exitCode;
  }
  if (env.DRUMBEATS_DEBUG === '1') process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  else process.stderr.write(`drumbeats: ${(error as Error)?.message ?? String(error)} (DRUMBEATS_DEBUG=1 shows details)\n`);
  return EXIT.failure;
}

function parseSeconds(flag: string): (value: string) => number {
  return (value) => {
    const parsed = parseThresholdSeconds(flag, value);
    if ('error' in parsed) throw new CliError(parsed.error, EXIT.usage);
    return parsed.seconds;
  };
}

// 'none', not null: commander stores a parser's null as '' (its "missing value").
function parseSecondsOrNone(flag: string): (value: string) => number | 'none' {
  return (value) => (value.trim().toLowerCase() === 'none' ? 'none' : parseSeconds(flag)(value));
}

const noneToNull = (value: number | 'none' | undefined): number | null | undefined => (value === 'none' ? null : value);

function parseRange(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${flag} takes a whole number from ${min} to ${max}`, EXIT.usage);
    return n;
  };
}

declare const __DRUMBEATS_VERSION__: string;
const VERSION = typeof __DRUMBEATS_VERSION__ === 'string' ? __DRUMBEATS_VERSION__ : '0.0.0-dev';
