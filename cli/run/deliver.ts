// Delivers one ping (or resolves one monitor slug) with retries, bounded by
// a per-request timeout and a deadline that the caller can move: open-ended
// while the job runs, a fixed budget once it has exited.

import { MONITOR_ID_PATTERN, type ErrorBody, type MonitorJson } from '../../shared/protocol.ts';
import { pingPath, type PingRecord } from '../core/ping-record.ts';
import { planRetry, type RetryPolicy } from '../core/retry-policy.ts';
import type { HttpRequest, HttpResult, Transport } from './transport.ts';

/** An abortable point in monotonic time; Infinity until set. */
export class Deadline {
  private at = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private readonly controller = new AbortController();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Milliseconds left (Infinity while unset, 0 once passed). */
  remainingMs(): number {
    if (this.controller.signal.aborted) return 0;
    return Math.max(0, this.at - performance.now());
  }

  /** Sets the deadline `ms` from now, unless an earlier one is already set. */
  setIn(ms: number): void {
    const at = performance.now() + ms;
    if (at >= this.at) return;
    this.at = at;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(), Math.max(0, ms));
  }

  /** Gives up now: in-flight requests are aborted. */
  expire(): void {
    this.at = 0;
    clearTimeout(this.timer);
    this.controller.abort();
  }

  /** Clears the timer (the deadline keeps its state). */
  dispose(): void {
    clearTimeout(this.timer);
  }
}

export interface DeliveryContext {
  transport: Transport;
  deadline: Deadline;
  policy: RetryPolicy;
  requestTimeoutMs: number;
  random: () => number;
}

export type DeliveryResult =
  | { kind: 'delivered'; status: number; text: string }
  | { kind: 'rejected'; status: number; code: string; message: string }
  | { kind: 'undelivered'; reason: string };

export type MonitorResolution =
  | { kind: 'resolved'; id: string }
  /** `permanent`: the monitor does not exist (404); otherwise a key is missing or wrong. */
  | { kind: 'rejected'; message: string; permanent: boolean }
  | { kind: 'undelivered'; reason: string };

/** Sends one ping until delivered, rejected for good, out of attempts or out of time. The body is the same bytes on every attempt. */
export function deliverPing(ctx: DeliveryContext, record: PingRecord, monitorId: string, late: boolean): Promise<DeliveryResult> {
  const body = record.body === null ? null : Buffer.from(record.body, 'utf8');
  return requestWithRetry(ctx, {
    method: 'POST',
    url: `${record.url}${pingPath(monitorId, record, late)}`,
    headers: body === null ? {} : { 'content-type': 'text/plain; charset=utf-8' },
    body,
  });
}

/** Turns `--monitor` into a monitor id: ids are used as they are, slugs are looked up with the API key. */
export async function resolveMonitor(ctx: DeliveryContext, url: string, monitor: string, apiKey: string | null): Promise<MonitorResolution> {
  if (MONITOR_ID_PATTERN.test(monitor)) return { kind: 'resolved', id: monitor };
  if (apiKey === null) {
    return {
      kind: 'rejected',
      message: `"${monitor}" is not a monitor id (mon_...), and no API key (--api-key or DRUMBEATS_API_KEY) is set to look it up as a slug`,
      permanent: false,
    };
  }
  const result = await requestWithRetry(ctx, {
    method: 'GET',
    url: `${url}/v1/monitors/${encodeURIComponent(monitor)}`,
    headers: { authorization: `Bearer ${apiKey}` },
    body: null,
  });
  if (result.kind === 'undelivered') return result;
  if (result.kind === 'rejected') {
    const what = result.status === 404 ? `no monitor "${monitor}"` : `looking up monitor "${monitor}" failed`;
    return { kind: 'rejected', message: `${what} at ${url} (${result.status} ${result.code}: ${result.message})`, permanent: result.status === 404 };
  }
  try {
    const id = (JSON.parse(result.text) as Partial<MonitorJson>).id;
    if (typeof id === 'string' && MONITOR_ID_PATTERN.test(id)) return { kind: 'resolved', id };
  } catch {
    // fall through
  }
  return { kind: 'rejected', message: `the collector at ${url} answered the lookup of monitor "${monitor}" without a monitor id`, permanent: false };
}

async function requestWithRetry(ctx: DeliveryContext, req: Omit<HttpRequest, 'timeoutMs' | 'signal'>): Promise<DeliveryResult> {
  // When time runs out between retries, the user wants the network's reason
  // (connection refused, 502...), not the deadline's.
  let lastFailure: string | null = null;
  for (let attempt = 1; ; attempt++) {
    const remaining = ctx.deadline.remainingMs();
    if (remaining < 10) return { kind: 'undelivered', reason: lastFailure ?? 'no time left before the delivery deadline' };
    const result = await ctx.transport.send({ ...req, timeoutMs: Math.min(ctx.requestTimeoutMs, remaining), signal: ctx.deadline.signal });
    // An attempt cut off by the deadline says less than the failure before it.
    if (result.kind === 'response' || result.code !== 'EABORTED' || lastFailure === null) lastFailure = describeFailure(result);
    const nowMs = Date.now();
    const decision = planRetry({
      attempt,
      result,
      nowMs,
      deadlineMs: nowMs + ctx.deadline.remainingMs(),
      policy: ctx.policy,
      random: ctx.random(),
    });
    if ('retryInMs' in decision) {
      await sleep(decision.retryInMs, ctx.deadline.signal);
      continue;
    }
    if (result.kind === 'response' && decision.stop === 'delivered') return { kind: 'delivered', status: result.status, text: result.text ?? '' };
    if (result.kind === 'response' && decision.stop === 'rejected') {
      const error = readError(result.text ?? '');
      return { kind: 'rejected', status: result.status, code: error.code, message: error.message };
    }
    return { kind: 'undelivered', reason: lastFailure };
  }
}

/** A short human description of a failed attempt, for the one warning. */
export function describeFailure(result: HttpResult): string {
  if (result.kind === 'response') return `HTTP ${result.status}`;
  switch (result.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name does not resolve';
    case 'ETIMEDOUT':
      return `no answer (${result.message})`;
    case 'EABORTED':
      return 'no answer before the delivery deadline';
    default: {
      const ssl = /SSL routines:[^:]*:([^:]+)/.exec(result.message);
      if (ssl) return `TLS error: ${ssl[1]}`;
      const text = result.message.replace(/\s+/g, ' ').trim();
      return `${result.code}: ${text.length > 160 ? `${text.slice(0, 160)}…` : text}`;
    }
  }
}

function readError(text: string): { code: string; message: string } {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (body.error && typeof body.error.code === 'string') return { code: body.error.code, message: String(body.error.message ?? '') };
  } catch {
    // not JSON
  }
  return { code: 'http_error', message: text.slice(0, 200) };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
