// `drumbeats ping start|log|success|failure`: one ping from a script that
// does not want wrapping, with the wrapper's guarantees (retries, bounded
// time, spool). Loaded before commander: node builtins only.

import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { readConfigFileOrWarn } from '../config-file.ts';
import { resolveClientConfig } from '../core/client-config.ts';
import { parsePingOptions } from '../core/ping-options.ts';
import { runKeyOf } from '../core/ping-record.ts';
import { Deadline, resolveMonitor, type DeliveryContext } from '../run/deliver.ts';
import { exitIfStillRunningIn } from '../run/exit-guard.ts';
import { PingQueue } from '../run/ping-queue.ts';
import { LIVE_RETRY_POLICY, POST_EXIT_BUDGET_MS, REQUEST_TIMEOUT_MS } from '../run/run-job.ts';
import { flushSpool } from '../run/spool.ts';
import { Transport } from '../run/transport.ts';
import { createWarner } from '../run/warner.ts';

export const PING_USAGE = `Usage: drumbeats ping <start|log|success|failure> [options]

Sends one ping for scripts that report their own runs. "ping start" prints
the run id on stdout; pass it to the later pings with --run-id. "fail" is
accepted for "failure", like the HTTP API's /fail.

Options:
  -m, --monitor <id|slug>  monitor (env DRUMBEATS_MONITOR)
      --run-id <id>        run id (required except for start)
      --message <text>     message (log pings, or a note on any ping)
      --exit-code <n>      exit code 0-255 (success and failure)
      --url <url>          collector URL (env DRUMBEATS_URL, default http://127.0.0.1:8417)
      --api-key <key>      API key for slug lookup (env DRUMBEATS_API_KEY)
  -q, --quiet              print no warnings
  -h, --help               show this help

Example:
  RUN=$(drumbeats ping start --monitor invoices)
  drumbeats ping log --monitor invoices --run-id "$RUN" --message "step 1 of 3 done"
  drumbeats ping success --monitor invoices --run-id "$RUN"

A ping that cannot be delivered within about 1.5 s is saved to the spool and
sent by the next drumbeats run or drumbeats flush; the exit status is still 0.
Exit status 2 means the command line itself is wrong.
`;

/** Entry of `drumbeats ping`; returns the exit code. */
export async function pingCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const options = parsePingOptions(args);
  if ('error' in options) {
    process.stderr.write(`drumbeats: ${options.error}\nRun "drumbeats ping --help" for usage.\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(PING_USAGE);
    return 0;
  }
  const warner = createWarner(process.stderr, options.quiet);
  const runId = options.runId ?? randomUUID();
  const resolved = resolveClientConfig({ url: options.url, apiKey: options.apiKey, monitor: options.monitor }, env, env.HOME ?? homedir(),
    readConfigFileOrWarn(env, (m) => warner.warnSettings(m)));
  try {
    if ('error' in resolved) warner.warn(`${resolved.error}; ping not sent`);
    else if (resolved.config.monitor === null) warner.warn('no monitor given (--monitor or DRUMBEATS_MONITOR); ping not sent');
    else {
      const config = resolved.config;
      const monitor = config.monitor as string;
      const transport = new Transport();
      const deadline = new Deadline();
      deadline.setIn(POST_EXIT_BUDGET_MS);
      const ctx: DeliveryContext = { transport, deadline, policy: LIVE_RETRY_POLICY, requestTimeoutMs: REQUEST_TIMEOUT_MS, random: Math.random };
      try {
        // Earlier pings of this run still in the spool go first, so the run's order holds.
        const earlier = await flushSpool(ctx, { dir: config.spoolDir, apiKey: config.apiKey, runKey: runKeyOf(config.url, monitor, runId), concurrency: 1 });
        const queue = new PingQueue({
          ctx,
          url: config.url,
          monitor,
          runId,
          resolution: resolveMonitor(ctx, config.url, monitor, config.apiKey),
          spoolDir: config.spoolDir,
          warner,
          consequence: 'ping not sent',
        });
        if (earlier.remaining > 0) queue.stall(earlier.lastError ?? 'earlier pings of this run are still spooled');
        queue.enqueue(options.action, {
          ...(options.message !== undefined && { message: options.message }),
          ...(options.exitCode !== undefined && { exit_code: String(options.exitCode) }),
        });
        await queue.settle();
      } finally {
        transport.close();
        deadline.dispose();
      }
    }
    if (options.action === 'start') process.stdout.write(`${runId}\n`);
    return 0;
  } finally {
    exitIfStillRunningIn(250);
  }
}
