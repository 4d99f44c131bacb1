// The pings of one run, delivered strictly in order (start, logs, terminal)
// in the background. While the job runs a failing ping is retried without
// end; once the job has exited, whatever is still queued when the deadline
// passes goes to the spool, in the same order, with its original timing.

import { randomBytes } from 'node:crypto';
import type { PingQuery, PingResponse } from '../../shared/protocol.ts';
import type { PingAction } from '../core/ping-options.ts';
import type { PingRecord } from '../core/ping-record.ts';
import { deliverPing, type DeliveryContext, type MonitorResolution } from './deliver.ts';
import { writeSpool } from './spool.ts';
import type { Warner } from './warner.ts';

/** Most pings waiting at once; further milestones are dropped (with a warning) rather than growing memory. */
export const MAX_PENDING_PINGS = 1000;

export interface PingQueueOptions {
  ctx: DeliveryContext;
  url: string;
  /** Monitor id or slug as configured; recorded in spooled pings. */
  monitor: string;
  runId: string;
  /** Resolution of `monitor` to an id, started concurrently with the job. */
  resolution: Promise<MonitorResolution>;
  spoolDir: string;
  warner: Warner;
  /** What a refusal of the monitor means, ending its warning (default: "the job runs unmonitored"). */
  consequence?: string;
}

export interface QueueReport {
  delivered: number;
  spooled: number;
  dropped: number;
}

/** A unique, URL-safe ping id (the collector stores a replayed id once). */
export function newPingId(): string {
  return `p_${randomBytes(15).toString('base64url')}`;
}

/** Ordered, bounded delivery of one run's pings. */
export class PingQueue {
  private readonly options: PingQueueOptions;
  private readonly items: PingRecord[] = [];
  private seq = 0;
  private pumping: Promise<void> | null = null;
  /** Nothing more will be sent live (monitor unknown, or deadline passed). */
  private stopped = false;
  private stalledReason: string | null = null;
  private readonly report: QueueReport = { delivered: 0, spooled: 0, dropped: 0 };

  constructor(options: PingQueueOptions) {
    this.options = options;
  }

  private get consequence(): string {
    return this.options.consequence ?? 'the job runs unmonitored';
  }

  /** Queues a ping; `sent_at` and `ping_id` are fixed now, whenever it is actually delivered. */
  enqueue(action: PingAction, query: Omit<PingQuery, 'run_id' | 'ping_id' | 'sent_at'>, body: string | null = null): void {
    if (this.stopped && this.stalledReason === null) {
      this.report.dropped++;
      return;
    }
    if (action === 'log' && this.items.length >= MAX_PENDING_PINGS) {
      this.report.dropped++;
      this.options.warner.warn(`more than ${MAX_PENDING_PINGS} pings waiting for the collector at ${this.options.url}: dropping milestones`);
      return;
    }
    const now = Date.now();
    this.items.push({
      v: 1,
      url: this.options.url,
      monitor: this.options.monitor,
      action,
      query: { run_id: this.options.runId, ping_id: newPingId(), sent_at: new Date(now).toISOString(), ...query },
      body,
      createdMs: now,
      seq: this.seq++,
    });
    this.kick();
  }

  /** Sends nothing live from now on: queued pings go to the spool (an earlier ping of the run is still there). */
  stall(reason: string): void {
    this.stalledReason = reason;
    this.stopped = true;
  }

  /** Waits until every ping is delivered, refused, or (once the deadline passed) spooled. */
  async settle(): Promise<QueueReport> {
    while (this.pumping !== null) await this.pumping;
    if (this.items.length > 0) {
      const pending = this.items.splice(0);
      const { written, error } = writeSpool(this.options.spoolDir, pending);
      this.report.spooled += written;
      this.report.dropped += pending.length - written;
      const why = this.stalledReason ?? 'no answer';
      if (error === null) {
        this.options.warner.warn(
          `could not reach the collector at ${this.options.url} (${why}); saved ${written} ping${written === 1 ? '' : 's'} to ${this.options.spoolDir}, ` +
            'sent later by the next "drumbeats run" or by "drumbeats flush"',
        );
      } else {
        this.options.warner.warn(`could not reach the collector at ${this.options.url} (${why}) nor save to ${this.options.spoolDir} (${error}): ${pending.length - written} pings lost`);
      }
    }
    return { ...this.report };
  }

  private kick(): void {
    if (this.pumping !== null || this.stopped || this.items.length === 0) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      this.kick(); // a ping queued as the previous pump ended
    });
  }

  private async pump(): Promise<void> {
    {
      while (this.items.length > 0 && !this.stopped) {
        const monitor = await this.options.resolution;
        if (monitor.kind === 'rejected') {
          this.giveUp(`${monitor.message}; ${this.consequence}`);
          break;
        }
        if (monitor.kind === 'undelivered') {
          this.stalledReason = monitor.reason;
          this.stopped = true;
          break;
        }
        const record = this.items[0] as PingRecord;
        const result = await deliverPing(this.options.ctx, record, monitor.id, false);
        if (result.kind === 'undelivered') {
          this.stalledReason = result.reason;
          this.stopped = true;
          break;
        }
        this.items.shift();
        if (result.kind === 'delivered') {
          this.report.delivered++;
          if (record.action === 'start') this.checkStartAnswer(result.text);
          continue;
        }
        const what = `${result.status} ${result.code}${result.message === '' ? '' : `: ${result.message}`}`;
        if (result.status === 401 || result.status === 403 || result.status === 404) {
          this.report.dropped++;
          this.giveUp(`the collector at ${this.options.url} refused the pings of monitor "${this.options.monitor}" (${what}); ${this.consequence}`);
          break;
        }
        this.report.dropped++;
        this.options.warner.warn(`the collector at ${this.options.url} refused a ${record.action} ping (${what})`);
      }
    }
  }

  // A finished run is never reopened by the collector: with a reused run id,
  // this run's outcome would be stored as a ping that changes nothing.
  private checkStartAnswer(text: string): void {
    let answer: Partial<PingResponse>;
    try {
      answer = JSON.parse(text) as Partial<PingResponse>;
    } catch {
      return;
    }
    if (answer.duplicate === true || typeof answer.status !== 'string' || answer.status === 'running') return;
    this.options.warner.warn(
      `run id "${this.options.runId}" already finished earlier (${answer.status}); this run's outcome will not change it — use a unique --run-id`,
    );
  }

  // Every later ping would be refused the same way: drop them all, warn once.
  private giveUp(message: string): void {
    this.report.dropped += this.items.length;
    this.items.length = 0;
    this.stopped = true;
    this.options.warner.warn(message);
  }
}
