// Seeds a collector's data directory through the real store, with receive
// times chosen by the test (recordPing takes `now`), so runs land in several
// 30-minute buckets without waiting. Start the collector on the directory
// afterwards. Also returns what the seed should look like, worked out
// independently of the store: buckets by plain arithmetic on the times.

import { join } from 'node:path';
import type { ParsedPing } from '../../collector/core/ping-request.ts';
import { openSqliteStore } from '../../collector/store/sqlite-store.ts';
import type { IncomingPing, Monitor, Store } from '../../collector/store/store.ts';
import { incomingPing } from './pings.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const BUCKET = 30 * MIN;

export const XSS_PAYLOAD = '<img src=x onerror=alert(1)>';
export const XSS_MESSAGE = '<script>alert(2)</script>';
export const FORMULA_MESSAGE = '=HYPERLINK("http://evil.example","click")';

export interface ExpectedBucket {
  success: number;
  failure: number;
  durations: number[];
}

export interface Seed {
  stripe: Monitor;
  invoice: Monitor;
  backup: Monitor;
  resize: Monitor;
  gdpr: Monitor;
  /** Stripe's buckets by start (ms): terminal outcomes and the durations of the runs they closed. */
  stripeBuckets: Map<number, ExpectedBucket>;
  /** How many Stripe pings carry "invoice" in their payload. */
  stripeInvoicePings: number;
  stripePingCount: number;
  /** The invoice run with the slow "PDF rendered" step. */
  slowRunId: string;
  slowRunSteps: string[];
}

/** Fills `dataDir` with five monitors, runs across buckets, a slow step, XSS and formula payloads. */
export async function seedDashboard(dataDir: string, now: number): Promise<Seed> {
  const store = openSqliteStore(join(dataDir, 'drumbeats.sqlite'));
  let n = 0;
  const ping = async (monitor: Monitor, kind: ParsedPing['kind'], runId: string, at: number, extra: Partial<IncomingPing> = {}) => {
    const defaults = { pingId: `seed-${++n}`, contentType: extra.payload ? 'application/json' : null };
    await store.recordPing(incomingPing(monitor, kind, runId, { ...defaults, ...extra }), at);
  };
  const created = now - 40 * 24 * HOUR;
  const monitor = (name: string, slug: string, minS: number | null, maxS: number | null) =>
    store.createMonitor({ name, slug, minDurationMs: minS === null ? null : minS * 1000, maxDurationMs: maxS === null ? null : maxS * 1000 }, created);

  const stripe = await monitor('Stripe webhooks', 'stripe-webhooks', 0.5, 30);
  const invoice = await monitor('Invoice workflow', 'invoice-workflow', null, 600);
  const backup = await monitor('Nightly backup', 'nightly-backup', null, 3600);
  const resize = await monitor('Image resize', 'image-resize', null, null);
  const gdpr = await monitor('GDPR export', 'gdpr-export', null, null);

  // Stripe: bursts in four buckets of the last 24 h, plus older traffic for 7d/30d.
  const stripeBuckets = new Map<number, ExpectedBucket>();
  let invoicePings = 0;
  let stripePings = 0;
  const bursts: Array<{ hoursAgo: number; ok: number; failed: number }> = [
    { hoursAgo: 21, ok: 6, failed: 0 },
    { hoursAgo: 14, ok: 9, failed: 3 },
    { hoursAgo: 6, ok: 2, failed: 4 },
    { hoursAgo: 2, ok: 12, failed: 1 },
    { hoursAgo: 60, ok: 5, failed: 2 },
    { hoursAgo: 24 * 12, ok: 7, failed: 0 },
  ];
  let runNo = 0;
  for (const burst of bursts) {
    const base = Math.floor((now - burst.hoursAgo * HOUR) / BUCKET) * BUCKET + 2 * MIN;
    for (let i = 0; i < burst.ok + burst.failed; i++) {
      const runId = `evt_${String(++runNo).padStart(4, '0')}`;
      const start = base + i * 40_000;
      const duration = 800 + ((i * 731) % 2400);
      const failed = i >= burst.ok;
      const eventType = i % 2 === 0 ? 'invoice.paid' : 'customer.updated';
      await ping(stripe, 'start', runId, start);
      const end = start + duration;
      const payload = failed
        ? JSON.stringify({ event: eventType, error: 'card_declined: upstream answered 402' })
        : JSON.stringify({ event: eventType, id: runId, amount: 4200 + i });
      await ping(stripe, failed ? 'failure' : 'success', runId, end, { payload });
      stripePings += 2;
      if (eventType.startsWith('invoice')) invoicePings += 1;
      const key = Math.floor(end / BUCKET) * BUCKET;
      const bucket = stripeBuckets.get(key) ?? { success: 0, failure: 0, durations: [] };
      if (failed) bucket.failure += 1;
      else bucket.success += 1;
      bucket.durations.push(duration);
      stripeBuckets.set(key, bucket);
    }
  }
  // Steady background traffic between the bursts: a few quick successes, one timeout.
  const background: Array<{ hoursAgo: number; ok: number; timeout?: boolean }> = [
    { hoursAgo: 23, ok: 2 },
    { hoursAgo: 19, ok: 3 },
    { hoursAgo: 17.5, ok: 1 },
    { hoursAgo: 16, ok: 2 },
    { hoursAgo: 11.5, ok: 3 },
    { hoursAgo: 10, ok: 2, timeout: true },
    { hoursAgo: 9, ok: 4 },
    { hoursAgo: 8, ok: 2 },
    { hoursAgo: 4, ok: 3 },
    { hoursAgo: 3.5, ok: 1 },
    { hoursAgo: 1, ok: 2 },
  ];
  for (const slot of background) {
    const base = Math.floor((now - slot.hoursAgo * HOUR) / BUCKET) * BUCKET + 5 * MIN;
    for (let i = 0; i < slot.ok + (slot.timeout ? 1 : 0); i++) {
      const runId = `evt_${String(++runNo).padStart(4, '0')}`;
      const start = base + i * 90_000;
      const failed = i >= slot.ok;
      const duration = failed ? 6_500 : 1_100 + ((i * 377) % 900);
      await ping(stripe, 'start', runId, start);
      await ping(stripe, failed ? 'failure' : 'success', runId, start + duration, {
        payload: failed ? JSON.stringify({ event: 'charge.succeeded', error: 'timeout talking to the ledger' }) : JSON.stringify({ event: 'charge.succeeded', id: runId }),
      });
      stripePings += 2;
      const key = Math.floor((start + duration) / BUCKET) * BUCKET;
      const bucket = stripeBuckets.get(key) ?? { success: 0, failure: 0, durations: [] };
      if (failed) bucket.failure += 1;
      else bucket.success += 1;
      bucket.durations.push(duration);
      stripeBuckets.set(key, bucket);
    }
  }

  // The payloads a dashboard must show as text, and a formula a spreadsheet must not run, in one run.
  const xssStart = now - 90 * MIN;
  await ping(stripe, 'start', 'evt_xss', xssStart);
  await ping(stripe, 'log', 'evt_xss', xssStart + 1000, { payload: XSS_PAYLOAD, message: XSS_MESSAGE, contentType: 'text/html' });
  await ping(stripe, 'log', 'evt_xss', xssStart + 2000, { message: FORMULA_MESSAGE });
  await ping(stripe, 'success', 'evt_xss', xssStart + 3000);
  stripePings += 4;
  const xssBucket = Math.floor((xssStart + 3000) / BUCKET) * BUCKET;
  const xssExpected = stripeBuckets.get(xssBucket) ?? { success: 0, failure: 0, durations: [] };
  xssExpected.success += 1;
  xssExpected.durations.push(3000);
  stripeBuckets.set(xssBucket, xssExpected);

  // Invoice workflow: five runs of start, three /log steps and success; the last one slow at "PDF rendered".
  const steps = ['Pulled 48 entries', 'PDF rendered', 'Uploaded'];
  let slowRunId = '';
  for (let r = 0; r < 5; r++) {
    const runId = `invoice_evt_${1700 + r}`;
    const start = now - (5 - r) * 3 * HOUR;
    const slow = r === 4;
    const gaps = [2_000, slow ? 95_000 : 6_000 + r * 200, 1_500, 900];
    let t = start;
    await ping(invoice, 'start', runId, t);
    for (let s = 0; s < steps.length; s++) {
      t += gaps[s]!;
      await ping(invoice, 'log', runId, t, { message: steps[s]! });
    }
    t += gaps[3]!;
    await ping(invoice, 'success', runId, t, { payload: `receipt sent for ${runId}\nall done` });
    if (slow) slowRunId = runId;
  }

  // Nightly backup: fine for two nights, then exit code 2: an open FAILED event.
  for (let d = 3; d >= 1; d--) {
    const runId = `backup-${d}`;
    const start = now - d * 24 * HOUR;
    await ping(backup, 'start', runId, start);
    await ping(backup, 'success', runId, start + 8 * MIN, d === 1 ? { exitCode: 2, payload: 'tar: /srv/data: Cannot open: Permission denied' } : {});
  }

  // Image resize: quick runs, then one running for an hour: stuck.
  for (let i = 0; i < 6; i++) {
    const start = now - (10 - i) * HOUR;
    await ping(resize, 'start', `img-${i}`, start);
    await ping(resize, 'success', `img-${i}`, start + 2_000 + i * 100);
  }
  await ping(resize, 'start', 'img-stuck', now - HOUR);

  await store.close();
  return {
    stripe,
    invoice,
    backup,
    resize,
    gdpr,
    stripeBuckets,
    stripeInvoicePings: invoicePings,
    stripePingCount: stripePings,
    slowRunId,
    slowRunSteps: ['start', ...steps, 'end'],
  };
}

export type { Store };
