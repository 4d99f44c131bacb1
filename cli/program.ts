// Every command except the hot-path ones (run, ping, flush) goes through
// commander here. This module is loaded lazily by main.ts; the heavier
// libraries (tables, colour) load inside the commands that print.

import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT } from './errors.ts';

export interface GlobalOptions {
  url?: string;
  apiKey?: string;
}

const DEFAULT_URL = 'http://127.0.0.1:8417';

/** Parses argv, runs the command, and maps every error to one stderr line and an exit code. */
export async function runProgram(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const program = buildProgram(env);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return reportError(error, env);
  }
}

function buildProgram(env: NodeJS.ProcessEnv): Command {
  const program = new Command('drumbeats')
    .description('Monitor every run of your background jobs.')
    .version(VERSION, '-V, --version')
    .option('--url <url>', `collector URL (env DRUMBEATS_URL, default ${DEFAULT_URL})`)
    .option('--api-key <key>', 'management API key (env DRUMBEATS_API_KEY)')
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
  $ drumbeats runs ls --monitor nightly-backup --status failed`,
    );

  const client = (command: Command) => {
    const opts = command.optsWithGlobals<GlobalOptions>();
    return {
      url: opts.url ?? env.DRUMBEATS_URL ?? DEFAULT_URL,
      apiKey: opts.apiKey ?? env.DRUMBEATS_API_KEY ?? null,
    };
  };

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
    .addHelpText('after', '\nExample:\n  $ drumbeats collector --port 8417 --data-dir /var/lib/drumbeats')
    .action(async (opts: { host?: string; port?: string; dataDir?: string; publicUrl?: string; dashboardPassword?: string; sync: 'full' | 'normal' }) => {
      const { collectorCommand } = await import('./commands/collector.ts');
      await collectorCommand(opts, env);
    });

  const monitors = program.command('monitors').description('create and list monitors');
  monitors
    .command('create <name>')
    .description('create a monitor and print its ping URL')
    .option('--slug <slug>', 'short name for the CLI (default: derived from the name)')
    .option('--min-duration <seconds>', 'raise DURATION_LOW when a success comes sooner', parseSeconds)
    .option('--max-duration <seconds>', 'raise DURATION_HIGH and arm the watchdog', parseSeconds)
    .option('--json', 'print the monitor as one JSON object')
    .addHelpText('after', '\nExample:\n  $ drumbeats monitors create "Stripe webhooks" --min-duration 0.5 --max-duration 30')
    .action(async (name: string, opts: { slug?: string; minDuration?: number; maxDuration?: number; json?: boolean }, command: Command) => {
      const { monitorsCreate } = await import('./commands/monitors.ts');
      await monitorsCreate(client(command), name, opts);
    });
  monitors
    .command('ls')
    .description('list monitors')
    .option('--json', 'print a JSON array')
    .addHelpText('after', '\nExample:\n  $ drumbeats monitors ls --json')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { monitorsList } = await import('./commands/monitors.ts');
      await monitorsList(client(command), opts);
    });

  const runs = program.command('runs').description('inspect runs');
  runs
    .command('ls')
    .description('list recent runs, newest first')
    .option('--monitor <id|slug>', 'only this monitor')
    .addOption(new Option('--status <status>', 'only runs with this status').choices(['running', 'success', 'failed']))
    .option('--limit <n>', 'how many runs (1-1000, default 20)', parseLimit, 20)
    .option('--json', 'print a JSON array')
    .addHelpText('after', '\nExample:\n  $ drumbeats runs ls --monitor nightly-backup --status failed --limit 5')
    .action(async (opts: { monitor?: string; status?: string; limit: number; json?: boolean }, command: Command) => {
      const { runsList } = await import('./commands/runs.ts');
      await runsList(client(command), opts);
    });

  return program;
}

function reportError(error: unknown, env: NodeJS.ProcessEnv): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT.ok;
    }
    process.stderr.write(`drumbeats: ${error.message.replace(/^error: /, '')} (see --help)\n`);
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    process.stderr.write(`drumbeats: ${error.message}\n`);
    return error.exitCode;
  }
  if (env.DRUMBEATS_DEBUG === '1') process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  else process.stderr.write(`drumbeats: ${(error as Error)?.message ?? String(error)} (DRUMBEATS_DEBUG=1 shows details)\n`);
  return EXIT.failure;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new CliError(`"${value}" is not a number of seconds (decimals allowed, e.g. 0.5 or 3600)`, EXIT.usage);
  }
  return n;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new CliError(`--limit takes a whole number from 1 to 1000`, EXIT.usage);
  return n;
}

declare const __DRUMBEATS_VERSION__: string;
const VERSION = typeof __DRUMBEATS_VERSION__ === 'string' ? __DRUMBEATS_VERSION__ : '0.0.0-dev';
