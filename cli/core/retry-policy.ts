// When to retry a ping and how long to wait. Connection errors, 408, 429 and
// 5xx are worth another try; other 4xx never succeed. Time is passed in.

export type AttemptResult =
  | { kind: 'response'; status: number; retryAfter: string | null }
  | { kind: 'network_error'; code: string; message: string };

export type AttemptClass = 'delivered' | 'retry' | 'rejected';

export interface RetryPolicy {
  /** First backoff delay; doubles on each attempt. */
  baseDelayMs: number;
  /** Longest backoff delay, and longest Retry-After honoured. */
  maxDelayMs: number;
  /** Attempts in total, the first included. */
  maxAttempts: number;
}

export type RetryDecision = { retryInMs: number } | { stop: 'delivered' | 'rejected' | 'attempts' | 'deadline' };

/** Sorts an attempt's result into delivered, worth retrying, or rejected for good. */
export function classifyAttempt(result: AttemptResult): AttemptClass {
  if (result.kind === 'network_error') return 'retry';
  const { status } = result;
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'rejected';
}

/** Milliseconds a Retry-After header asks to wait (delta-seconds or HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/**
 * Decides what follows attempt number `attempt` (1-based): stop, or retry
 * after a delay. Exponential backoff with jitter (`random` in [0, 1)), or the
 * server's Retry-After when it asked; never past `deadlineMs`.
 */
export function planRetry(input: {
  attempt: number;
  result: AttemptResult;
  nowMs: number;
  deadlineMs: number;
  policy: RetryPolicy;
  random: number;
}): RetryDecision {
  const { attempt, result, nowMs, deadlineMs, policy, random } = input;
  const cls = classifyAttempt(result);
  if (cls !== 'retry') return { stop: cls };
  if (attempt >= policy.maxAttempts) return { stop: 'attempts' };
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Full jitter on the upper half keeps many wrappers from retrying in lockstep.
  let delay = Math.round(backoff / 2 + (backoff / 2) * random);
  const asked = result.kind === 'response' ? parseRetryAfter(result.retryAfter, nowMs) : null;
  if (asked !== null) {
    if (asked > policy.maxDelayMs) return { stop: 'deadline' };
    delay = Math.max(delay, asked);
  }
  if (nowMs + delay >= deadlineMs) return { stop: 'deadline' };
  return { retryInMs: delay };
}
