// `drumbeats flush`: delivers the pings saved in the spool while the
// collector was unreachable, each run in order, marked late. Loaded before
// commander: node builtins only.

import { homedir } from 'node:os';
import { readConfigFileOrWarn } from '../config-file.ts';
import { resolveClientConfig } from '../core/client-config.ts';
import { describeLeftPings } from '../core/flush-summary.ts';
import { parseFlushOptions } from '../core/ping-options.ts';
import { Deadline } from '../run/deliver.ts';
import { exitIfStillRunningIn } from '../run/exit-guard.ts';
import { REQUEST_TIMEOUT_MS, SPOOL_RETRY_POLICY } from '../run/run-job.ts';
import { flushSpool } from '../run/spool.ts';
import { Transport } from '../run/transport.ts';

export const FLUSH_USAGE = `Usage: drumbeats flush [options]

Sends the pings that drumbeats run and drumbeats ping saved to the spool while
the collector was unreachable, each to the collector it was meant for, each
run's pings in order. Delivered pings (and pings the collector refuses for
good, such as an unknown monitor) are removed from the spool.

Options:
      --spool-dir <dir>  spool directory (env DRUMBEATS_SPOOL_DIR, default
                         $XDG_STATE_HOME/drumbeats/spool or ~/.local/state/drumbeats/spool)
      --url <url>        deliver to this collector instead of the one each ping
                         was recorded for (e.g. after the collector moved)
      --api-key <key>    API key, to look up monitors spooled by slug (env DRUMBEATS_API_KEY)
  -q, --quiet            print nothing but errors
  -h, --help             show this help

Example:
  drumbeats flush && echo "spool empty"

Exit status: 0 when the spool is empty afterwards, 1 when pings remain
(collector still unreachable), 2 when the command line is wrong.
`;

/** Entry of `drumbeats flush`; returns the exit code. */
export async function flushCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const options = parseFlushOptions(args);
  if ('error' in options) {
    process.stderr.write(`drumbeats: ${options.error}\nRun "drumbeats flush --help" for usage.\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(FLUSH_USAGE);
    return 0;
  }
  const resolved = resolveClientConfig({ url: options.url, apiKey: options.apiKey, spoolDir: options.spoolDir }, env, env.HOME ?? homedir(),
    readConfigFileOrWarn(env, (m) => process.stderr.write(`drumbeats: ${m}\n`)));
  if ('error' in resolved) {
    process.stderr.write(`drumbeats: ${resolved.error}\n`);
    return 2;
  }
  const { spoolDir, apiKey } = resolved.config;
  const transport = new Transport();
  const deadline = new Deadline();
  try {
    const report = await flushSpool(
      { transport, deadline, policy: SPOOL_RETRY_POLICY, requestTimeoutMs: REQUEST_TIMEOUT_MS, random: Math.random },
      { dir: spoolDir, apiKey, concurrency: 4, ...(options.url !== undefined && { url: resolved.config.url }) },
    );
    for (const rejected of report.rejected) process.stderr.write(`drumbeats: dropped ${rejected}\n`);
    if (!options.quiet) {
      const left = report.remaining === 0 ? 'spool empty' : describeLeftPings(report.remaining, report.heldBack, report.lastError ?? 'busy');
      process.stdout.write(`delivered ${report.delivered} spooled ping${report.delivered === 1 ? '' : 's'} from ${spoolDir}; ${left}\n`);
    }
    return report.remaining === 0 ? 0 : 1;
  } finally {
    transport.close();
    deadline.dispose();
    exitIfStillRunningIn(250);
  }
}
