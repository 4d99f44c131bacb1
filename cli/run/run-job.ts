// `drumbeats run` after its options are parsed: start the job at once, report
// it in the background, and exit with the job's status. Monitoring problems
// are one warning on stderr, never a different exit code.

import { isatty } from 'node:tty';
import { decideOutcome, STOP_SIGNALS, type Outcome, type SignalInfo } from '../core/outcome.ts';
import { compileMilestonePattern, MilestoneScanner } from '../core/milestone.ts';
import { OutputTail } from '../core/output-tail.ts';
import type { ClientConfig } from '../core/client-config.ts';
import type { RunOptions } from '../core/run-options.ts';
import type { RetryPolicy } from '../core/retry-policy.ts';
import { Deadline, resolveMonitor, type DeliveryContext } from './deliver.ts';
import { PingQueue } from './ping-queue.ts';
import { catchSignals, inForegroundOfTerminal } from './signals.ts';
import { flushSpool } from './spool.ts';
import { signalInfo, superviseJob } from './supervise.ts';
import { Transport } from './transport.ts';
import type { Warner } from './warner.ts';

/** Longest the wrapper spends on the network after the job exits; then the rest is spooled. */
export const POST_EXIT_BUDGET_MS = 1500;
/** How long output pipes may stay open after the job exited (a background grandchild holding them). */
export const OUTPUT_GRACE_MS = 500;
/** Per-request timeout while the job runs (after it exits, what is left of the budget). */
export const REQUEST_TIMEOUT_MS = 3000;
/** Live pings: retried until delivered while the job runs, until the budget once it exited. */
export const LIVE_RETRY_POLICY: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 30_000, maxAttempts: Number.POSITIVE_INFINITY };
/** Replaying the spool in the background: a few tries, then wait for the next run. */
export const SPOOL_RETRY_POLICY: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 2000, maxAttempts: 3 };

export interface RunJobInput {
  options: RunOptions;
  /** Null when monitoring is not configured: the job runs unmonitored. */
  config: ClientConfig | null;
  /** Spool directory for replaying older pings (known even without a monitor). */
  spoolDir: string | null;
  runId: string;
  warner: Warner;
}

/** Runs the job under supervision and returns the exit code to exit with. */
export async function runJob({ options, config, spoolDir, runId, warner }: RunJobInput): Promise<number> {
  const ownGroup = !(isatty(0) || isatty(1) || isatty(2));
  const tail = options.sendOutput ? new OutputTail(options.outputLimitBytes) : null;
  const pattern = config === null ? null : compileMilestonePattern(options.milestone);
  const milestones = pattern instanceof RegExp ? new MilestoneScanner(pattern) : null;
  let queue: PingQueue | null = null;
  let exited = false;
  let stopSignal: SignalInfo | null = null;
  const deadline = new Deadline();

  let job: ReturnType<typeof superviseJob> | null = null;
  const releaseSignals = catchSignals((name) => {
    if (exited) {
      // A signal while reporting after the job ended: spool what is left and go.
      deadline.expire();
      return;
    }
    if (STOP_SIGNALS.includes(name)) stopSignal ??= signalInfo(name);
    // In a terminal the job shares our process group: a keyboard SIGINT/SIGQUIT
    // reached it already, and a second copy could mean "force quit" to it.
    const fromKeyboard = !ownGroup && (name === 'SIGINT' || name === 'SIGQUIT') && inForegroundOfTerminal();
    if (!fromKeyboard) job?.signal(name);
  });

  // Our own stdout/stderr may be closed pipes (`| head`): an EPIPE there must
  // never crash the wrapper and change the job's exit status.
  const ignore = (): void => undefined;
  process.stdout.on('error', ignore);
  process.stderr.on('error', ignore);

  // Start the job before anything else: nothing may delay it.
  let capture = true;
  job = superviseJob({
    command: options.command,
    ownGroup,
    onOutput(stream, chunk) {
      if (!capture) return;
      try {
        tail?.push(stream, chunk);
        if (stream === 'out' && milestones !== null && queue !== null) {
          for (const message of milestones.push(chunk)) queue.enqueue('log', { message });
        }
      } catch (err) {
        // A bug in reporting must not take the job down with it.
        capture = false;
        warner.warn(`output capture stopped: ${(err as Error).message}`);
      }
    },
  });

  const transport = new Transport();
  const ctx: DeliveryContext = { transport, deadline, policy: LIVE_RETRY_POLICY, requestTimeoutMs: REQUEST_TIMEOUT_MS, random: Math.random };
  if (config !== null && config.monitor !== null) {
    queue = new PingQueue({
      ctx,
      url: config.url,
      monitor: config.monitor,
      runId,
      resolution: resolveMonitor(ctx, config.url, config.monitor, config.apiKey),
      spoolDir: config.spoolDir,
      warner,
    });
    queue.enqueue('start', {});
  }

  // Older pings left in the spool go out in the background, on their own
  // deadline, so they never hold up this run.
  const spoolDeadline = new Deadline();
  const replaying =
    spoolDir === null
      ? Promise.resolve()
      : new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
          flushSpool(
            { transport, deadline: spoolDeadline, policy: SPOOL_RETRY_POLICY, requestTimeoutMs: REQUEST_TIMEOUT_MS, random: Math.random },
            { dir: spoolDir, apiKey: config?.apiKey ?? null, concurrency: 2 },
          ).then(
            () => undefined,
            () => undefined,
          ),
        );

  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timeoutTimer =
    options.timeoutMs === null
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          job?.signal('SIGTERM');
          killTimer = setTimeout(() => job?.signal('SIGKILL'), options.killAfterMs);
        }, options.timeoutMs);

  try {
    const { end, durationMs } = await job.ended;
    exited = true;
    clearTimeout(timeoutTimer);
    clearTimeout(killTimer);
    deadline.setIn(POST_EXIT_BUDGET_MS);
    if (end.kind !== 'spawn_error') await job.drainOutput(OUTPUT_GRACE_MS);

    const outcome = decideOutcome({ end, timeoutMs: timedOut ? options.timeoutMs : null, stopSignal });
    if (end.kind === 'spawn_error' && !options.quiet) process.stderr.write(`drumbeats: ${outcome.message}\n`);
    try {
      if (queue !== null) await reportEnd(queue, outcome, durationMs, capture ? milestones : null, capture ? tail : null);
    } catch (err) {
      warner.warn(`reporting failed: ${(err as Error).message}`);
    }
    return outcome.exitCode;
  } finally {
    spoolDeadline.expire();
    await replaying;
    transport.close();
    deadline.dispose();
    spoolDeadline.dispose();
    releaseSignals();
  }
}

// Last milestones, then the terminal ping; waits until delivered or spooled.
async function reportEnd(
  queue: PingQueue,
  outcome: Outcome,
  durationMs: number,
  milestones: MilestoneScanner | null,
  tail: OutputTail | null,
): Promise<void> {
  if (milestones !== null) for (const message of milestones.finish()) queue.enqueue('log', { message });
  const text = tail?.render().text ?? '';
  queue.enqueue(
    outcome.action,
    {
      exit_code: String(outcome.exitCode),
      duration_ms: String(Math.round(durationMs)),
      ...(outcome.reason !== null && { reason: outcome.reason }),
      ...(outcome.signal !== null && { signal: outcome.signal }),
      ...(outcome.message !== null && { message: outcome.message }),
    },
    text === '' ? null : text,
  );
  await queue.settle();
}
