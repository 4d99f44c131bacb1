// `drumbeats run [options] -- <command> [args...]`: wraps a job, reports its
// run, exits with its status. Loaded before commander: node builtins only.

import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { readConfigFileOrWarn } from '../config-file.ts';
import { resolveClientConfig } from '../core/client-config.ts';
import { parseRunOptions } from '../core/run-options.ts';
import { exitIfStillRunningIn } from '../run/exit-guard.ts';
import { runJob } from '../run/run-job.ts';
import { createWarner } from '../run/warner.ts';

/** Exit status when `drumbeats run` itself is misused (like env(1) and timeout(1)). */
export const EXIT_USAGE = 125;

export const RUN_USAGE = `Usage: drumbeats run [options] -- <command> [args...]

Runs <command> directly (no shell), passes stdin, stdout and stderr through
unchanged, reports the run to the Drumbeats collector, and exits with the
command's exit status. The collector being down never changes that status.

Options:
  -m, --monitor <id|slug>  monitor to report to (env DRUMBEATS_MONITOR);
                           a slug is looked up with the API key
      --url <url>          collector URL (env DRUMBEATS_URL,
                           default http://127.0.0.1:8417)
      --api-key <key>      API key for slug lookup (env DRUMBEATS_API_KEY)
      --run-id <id>        run id (default: a new random id)
      --timeout <duration> stop the command after this long (90s, 15m, 1h30m):
                           SIGTERM, then SIGKILL after --kill-after; exit 124
      --kill-after <dur>   grace between SIGTERM and SIGKILL (default 10s)
      --milestone <regex>  stdout lines matching <regex> become /log pings; the
                           first capture group (or the whole match) is the
                           message. Default: lines "[milestone] <message>"
      --output-limit <n>   bytes of output tail sent with the final ping
                           (default and maximum 10KB)
      --no-output          send no output to the collector
  -q, --quiet              print no drumbeats warnings
  -h, --help               show this help

Examples:
  drumbeats run --monitor nightly-backup --timeout 2h -- tar -czf /backup/home.tgz /home
  DRUMBEATS_MONITOR=mon_xxxxxxxxxxxxxxxxxxxxxx drumbeats run -- ./sync.sh --full

  # in the job, report progress with a milestone line on stdout:
  echo "[milestone] database dumped"

Exit status: the command's; 128+N when it was killed by signal N; 124 after
--timeout; 126 not executable; 127 not found; 125 when drumbeats run itself
was called wrongly. Pings that cannot be delivered within about 1.5 s of the
command's exit are saved under $XDG_STATE_HOME/drumbeats/spool (or
~/.local/state/drumbeats/spool, env DRUMBEATS_SPOOL_DIR) and sent by the next
drumbeats run or by drumbeats flush. Details: docs/wrapper.md
`;

/** Entry of `drumbeats run`; returns the exit code. */
export async function runCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const options = parseRunOptions(args);
  if ('error' in options) {
    process.stderr.write(`drumbeats: ${options.error}\nRun "drumbeats run --help" for usage.\n`);
    return EXIT_USAGE;
  }
  if (options.help) {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  const warner = createWarner(process.stderr, options.quiet);
  const resolved = resolveClientConfig({ url: options.url, apiKey: options.apiKey, monitor: options.monitor }, env, env.HOME ?? homedir(),
    readConfigFileOrWarn(env, (m) => warner.warnSettings(m)));
  let config = null;
  if ('error' in resolved) warner.warn(`${resolved.error}; the job runs unmonitored`);
  else if (resolved.config.monitor === null) warner.warn('no monitor given (--monitor or DRUMBEATS_MONITOR); the job runs unmonitored');
  else config = resolved.config;
  const spoolDir = 'config' in resolved ? resolved.config.spoolDir : null;
  try {
    return await runJob({ options, config, spoolDir, runId: options.runId ?? randomUUID(), warner });
  } finally {
    exitIfStillRunningIn(250);
  }
}
