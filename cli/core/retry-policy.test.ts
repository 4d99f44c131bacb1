import { describe, expect, test } from 'vitest';
import { classifyAttempt, parseRetryAfter, planRetry, type AttemptResult, type RetryDecision } from './retry-policy.ts';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const refused: AttemptResult = { kind: 'network_error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' };
const status = (s: number, retryAfter: string | null = null): AttemptResult => ({ kind: 'response', status: s, retryAfter });
const policy = { baseDelayMs: 100, maxDelayMs: 5000, maxAttempts: 5 };

describe('classifyAttempt', () => {
  test.for<[string, AttemptResult, string]>([
    ['200', status(200), 'delivered'],
    ['201', status(201), 'delivered'],
    ['204', status(204), 'delivered'],
    ['refused', refused, 'retry'],
    ['timeout', { kind: 'network_error', code: 'ETIMEDOUT', message: 'timed out' }, 'retry'],
    ['408', status(408), 'retry'],
    ['429', status(429), 'retry'],
    ['500', status(500), 'retry'],
    ['502', status(502), 'retry'],
    ['503', status(503), 'retry'],
    ['400', status(400), 'rejected'],
    ['401', status(401), 'rejected'],
    ['404', status(404), 'rejected'],
    ['413', status(413), 'rejected'],
    ['301', status(301), 'rejected'],
  ])('%s is %s', ([, result, expected]) => {
    expect(classifyAttempt(result)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  test.for<[string | null, number | null]>([
    [null, null],
    ['0', 0],
    ['3', 3000],
    [' 12 ', 12_000],
    ['Wed, 01 Jan 2025 00:00:05 GMT', 5000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
    ['soon', null],
    ['-1', null],
    ['1.5', null],
  ])('%j is %j ms', ([header, expected]) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});

describe('planRetry', () => {
  test.for<[string, number, AttemptResult, number, number, RetryDecision]>([
    ['delivered stops', 1, status(200), NOW + 10_000, 0, { stop: 'delivered' }],
    ['404 stops without retry', 1, status(404), NOW + 10_000, 0, { stop: 'rejected' }],
    ['first retry, no jitter', 1, refused, NOW + 10_000, 0, { retryInMs: 50 }],
    ['first retry, full jitter', 1, refused, NOW + 10_000, 0.999, { retryInMs: 100 }],
    ['third retry doubles', 3, status(502), NOW + 10_000, 0, { retryInMs: 200 }],
    ['backoff is capped', 4, status(503), NOW + 60_000, 0.5, { retryInMs: 600 }],
    ['last attempt stops', 5, refused, NOW + 60_000, 0, { stop: 'attempts' }],
    ['429 honours Retry-After seconds', 1, status(429, '2'), NOW + 10_000, 0, { retryInMs: 2000 }],
    ['503 honours an HTTP-date Retry-After', 1, status(503, 'Wed, 01 Jan 2025 00:00:03 GMT'), NOW + 10_000, 0, { retryInMs: 3000 }],
    ['Retry-After shorter than the backoff keeps the backoff', 3, status(429, '0'), NOW + 10_000, 0, { retryInMs: 200 }],
    ['Retry-After past the deadline stops', 1, status(429, '3'), NOW + 1500, 0, { stop: 'deadline' }],
    ['Retry-After above the cap stops', 1, status(429, '3600'), NOW + 10_000_000, 0, { stop: 'deadline' }],
    ['backoff past the deadline stops', 2, refused, NOW + 100, 0, { stop: 'deadline' }],
  ])('%s', ([, attempt, result, deadlineMs, random, expected]) => {
    const p = attempt === 4 ? { ...policy, maxDelayMs: 800 } : policy;
    expect(planRetry({ attempt, result, nowMs: NOW, deadlineMs, policy: p, random })).toEqual(expected);
  });
});
