// The dashboard in a real browser (Debian's chromium through playwright-core)
// against a real collector seeded with runs across several buckets. Each test
// asserts what a person sees, and saves a screenshot to test-artifacts/.

import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { artifactPath, browserAvailable, launchBrowser } from './helpers/browser.ts';
import { cleanupTempDirs, makeTempDir, startTestCollector, type TestCollector } from './helpers/collector.ts';
import { FORMULA_MESSAGE, XSS_MESSAGE, XSS_PAYLOAD, seedDashboard, type Seed } from './helpers/dashboard-seed.ts';

const run = browserAvailable();

function stripeTotals(seed: Seed): { finished: number; ok: number } {
  const buckets = [...seed.stripeBuckets.values()];
  return { finished: buckets.reduce((n, b) => n + b.success + b.failure, 0), ok: buckets.reduce((n, b) => n + b.success, 0) };
}

describe.skipIf(!run)('dashboard in chromium', () => {
  let collector: TestCollector;
  let seed: Seed;
  let browser: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const now = Date.now();

  beforeAll(async () => {
    const dataDir = makeTempDir();
    seed = await seedDashboard(dataDir, now);
    collector = await startTestCollector({ dataDir });
    browser = await launchBrowser({ timezoneId: 'Europe/Berlin' });
    page = browser.pages()[0] ?? (await browser.newPage());
    // Logged in up front so each test can run alone; the login test logs in through the form.
    const login = await fetch(`${collector.url}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-drumbeats-csrf': '1' },
      body: JSON.stringify({ secret: collector.apiKey }),
    });
    const sessionId = /drumbeats_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1]!;
    await browser.addCookies([{ name: 'drumbeats_session', value: sessionId, url: collector.url, httpOnly: true, sameSite: 'Strict' }]);
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    // Uncaught errors and anything the CSP refused (expected 401s are not errors of the app).
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) pageErrors.push(message.text());
    });
  }, 60_000);

  // A fresh document each time: a same-hash goto would keep the last test's filters.
  async function open(path: string): Promise<void> {
    await page.goto('about:blank');
    await page.goto(`${collector.url}/${path}`);
  }

  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
    cleanupTempDirs();
  });

  test('login with the API key sets an HttpOnly SameSite=Strict session; the monitors page shows state, rate, p95 and open events', async () => {
    await browser.clearCookies();
    await page.goto(collector.url);
    await page.getByLabel('API key or password').fill('not-the-key');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not the API key');

    await page.getByLabel('API key or password').fill(collector.apiKey);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('monitors-table').waitFor();

    const cookies = await browser.cookies(collector.url);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: 'drumbeats_session', httpOnly: true, sameSite: 'Strict' });

    const row = (slug: string) => page.locator(`tr[data-monitor="${slug}"]`);
    await expect.poll(() => row('stripe-webhooks').locator('.badge').textContent()).toBe('ok');
    const stripe = await row('stripe-webhooks').innerText();
    // Every Stripe run is among its last 100, and every one finished.
    const { finished, ok } = stripeTotals(seed);
    expect(finished).toBeLessThanOrEqual(100);
    expect(stripe).toContain(`${((ok / finished) * 100).toFixed(1)}%`);
    expect(stripe).toContain(`${finished} runs`);
    expect(await row('nightly-backup').locator('.badge').textContent()).toBe('failed');
    expect(await row('nightly-backup').getAttribute('class')).toContain('attention');
    expect(await row('nightly-backup').locator('.chip').allTextContents()).toEqual(['FAILED']);
    expect(await row('nightly-backup').locator('a.chip-link').getAttribute('href')).toBe(`#/monitors/${seed.backup.id}/runs/backup-1`);
    expect(await row('image-resize').locator('.badge').textContent()).toBe('stuck');
    expect(await row('gdpr-export').locator('.badge').textContent()).toBe('no runs yet');
    expect(await row('invoice-workflow').innerText()).toContain('100%');
    await page.screenshot({ path: artifactPath('dashboard-monitors.png'), fullPage: true });
  });

  test('Ping Analytics: one bar per non-empty bucket with heights in proportion, and hover shows the counts', async () => {
    await open(`#/monitors/${seed.stripe.id}`);
    const chart = page.getByTestId('analytics-chart');
    await chart.waitFor();
    const bars = chart.locator('g.bar');
    // 24 h: the four recent bursts (the 60 h and 12 d ones are outside).
    const inDay = [...seed.stripeBuckets].filter(([start]) => start > now - 24 * 3600_000 - 1800_000);
    await expect.poll(() => bars.count()).toBe(inDay.length);

    const yMax = Number(await chart.getAttribute('data-y-max'));
    const plotH = Number(await chart.getAttribute('data-plot-height'));
    for (const [start, expected] of inDay) {
      const bar = chart.locator(`g.bar[data-start="${new Date(start).toISOString()}"]`);
      expect(Number(await bar.getAttribute('data-success'))).toBe(expected.success);
      expect(Number(await bar.getAttribute('data-failure'))).toBe(expected.failure);
      expect(Number(await bar.locator('.seg-success').getAttribute('height'))).toBeCloseTo((expected.success / yMax) * plotH, 3);
      expect(Number(await bar.locator('.seg-failure').getAttribute('height'))).toBeCloseTo((expected.failure / yMax) * plotH, 3);
    }

    // Hover the 9-ok / 3-failed bucket.
    const [start, busy] = inDay.find(([, b]) => b.failure === 3)!;
    await chart.locator(`g.bar[data-start="${new Date(start).toISOString()}"] .seg-success`).hover();
    const tip = page.getByTestId('chart-tooltip');
    await tip.waitFor();
    expect(await tip.locator('[data-field="success"]').textContent()).toBe('9');
    expect(await tip.locator('[data-field="failure"]').textContent()).toBe('3');
    expect(await tip.locator('[data-field="success-rate"]').textContent()).toBe('75%');
    const avg = Math.round(busy.durations.reduce((a, b) => a + b, 0) / busy.durations.length);
    expect(await tip.locator('[data-field="avg-duration"]').textContent()).toBe(`${(avg / 1000).toFixed(2).replace(/\.?0+$/, '')} s`);
    // Local (Berlin) time of the bucket, not UTC.
    const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    expect(await tip.locator('.tooltip-title').textContent()).toContain(berlin.format(new Date(start)));
    await page.screenshot({ path: artifactPath('dashboard-analytics.png'), fullPage: false });

    await page.getByRole('button', { name: '7d' }).click();
    const inWeek = [...seed.stripeBuckets].filter(([s]) => s > now - 7 * 24 * 3600_000 - 1800_000);
    await expect.poll(() => bars.count()).toBe(inWeek.length);
    await page.getByRole('button', { name: '30d' }).click();
    await expect.poll(() => bars.count()).toBe(seed.stripeBuckets.size);
  });

  test('Stats & thresholds: min/avg/p95/max, the distribution, and max edited in place', async () => {
    await open(`#/monitors/${seed.stripe.id}`);
    const stats = page.getByTestId('stats');
    await stats.locator('[data-testid="duration-histogram"]').waitFor();
    const counts = await stats.locator('.hist-bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(stripeTotals(seed).finished); // every finished Stripe run has a duration
    for (const k of ['min', 'avg', 'p95', 'max']) {
      expect(await stats.locator(`[data-stat="${k}"] .stat-value`).textContent()).toMatch(/\d/);
    }

    await stats.getByTestId('threshold-max_duration_seconds').getByRole('button').click();
    const input = stats.getByLabel('Max duration (DURATION_HIGH, watchdog) in seconds');
    // Typed as the CLI takes it: plain decimal seconds, within what the collector keeps.
    const editor = stats.getByTestId('threshold-max_duration_seconds');
    for (const [typed, said] of [
      ['0x10', 'a number of seconds'],
      ['1e1', 'a number of seconds'],
      ['0.0001', 'under a millisecond'],
      ['99999999', 'at most 31 days'],
    ] as const) {
      await input.fill(typed);
      await input.press('Enter');
      await expect.poll(() => editor.getByRole('alert').textContent()).toContain(said);
    }
    await input.fill('2.5');
    await input.press('Enter');
    await expect.poll(() => stats.getByTestId('threshold-max_duration_seconds').getByRole('button').textContent()).toContain('2.5 s');
    const stored = await collector.api<{ max_duration_seconds: number }>('GET', `/v1/monitors/${seed.stripe.id}`);
    expect(stored.max_duration_seconds).toBe(2.5);
    await stats.screenshot({ path: artifactPath('dashboard-stats.png') });
  });

  test('runs list: newest first, older pages on demand', async () => {
    await open(`#/monitors/${seed.stripe.id}`);
    const table = page.getByTestId('runs-table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(25);
    await page.getByRole('button', { name: 'Older runs' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(50);
    const ids = await table.locator('tbody tr td:first-child').allTextContents();
    expect(new Set(ids).size).toBe(50);
  });

  test('run timeline lists the steps in order and highlights the unusual gap', async () => {
    await open(`#/monitors/${seed.invoice.id}`);
    await page.getByTestId('runs-table').getByRole('link', { name: seed.slowRunId }).click();
    const steps = page.getByTestId('timeline-steps');
    await steps.waitFor();
    const names = await steps.locator('tbody tr .step-name').allTextContents();
    expect(names).toEqual(seed.slowRunSteps);
    const unusual = await steps.locator('tbody tr.unusual .step-name').allTextContents();
    expect(unusual).toEqual(['PDF rendered']);
    expect(await page.getByTestId('timeline-axis').locator('.gap-seg.unusual').count()).toBe(1);
    expect(await page.getByTestId('output-tail').textContent()).toContain(`receipt sent for ${seed.slowRunId}`);
    await page.screenshot({ path: artifactPath('dashboard-run-timeline.png'), fullPage: true });
  });

  test('a run the watchdog closed shows when it ended and the closing as the last step of its timeline', async () => {
    const monitor = await collector.createMonitor({ name: 'Stuck import', slug: 'stuck-import', max_duration_seconds: 1.5 });
    await fetch(`${collector.pingBase(monitor)}/start?run_id=stuck-1`);
    await fetch(`${collector.pingBase(monitor)}/log?run_id=stuck-1&message=${encodeURIComponent('reading file')}`);
    // Opened while the run is still running: the page follows it to its end without a reload.
    await open(`#/monitors/${monitor.id}/runs/stuck-1`);
    const steps = page.getByTestId('timeline-steps');
    await steps.waitFor();
    expect(await page.locator('.run-facts').textContent()).toContain('ended not yet');
    await expect.poll(() => steps.locator('tbody tr.watchdog-end').count(), { timeout: 15_000 }).toBe(1);
    expect(await steps.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual(['start', 'log', 'watchdog']);
    expect(await steps.locator('tbody tr.watchdog-end').textContent()).toContain('closed by the watchdog');
    expect(await page.locator('.run-facts').textContent()).toMatch(/ended [A-Z][a-z]{2} \d+ [A-Z][a-z]{2}/);
  });

  test('ping history: payloads shown as text (XSS inert), full-text search, kind filter', async () => {
    await open(`#/monitors/${seed.stripe.id}`);
    const history = page.getByTestId('ping-history');
    await history.waitFor();
    await expect.poll(() => history.textContent()).toContain(XSS_PAYLOAD);
    expect(await history.textContent()).toContain(XSS_MESSAGE);
    expect(await history.locator('img').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: artifactPath('dashboard-monitor-page.png'), fullPage: true });

    await page.getByLabel('Search payloads and messages').fill('invoice');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => history.locator('tbody tr').count()).toBe(Math.min(50, seed.stripeInvoicePings));
    const payloads = await history.locator('tbody tr pre.payload').allTextContents();
    expect(payloads.every((p) => p.includes('invoice'))).toBe(true);

    await page.getByLabel('Search payloads and messages').fill('card_declined');
    await page.getByLabel('Kind').selectOption('failure');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => history.locator('tbody tr').count()).toBe(10);
    expect(await history.locator('tbody tr .kind').allTextContents()).toEqual(Array(10).fill('failure'));
    await page.getByTestId('ping-history').screenshot({ path: artifactPath('dashboard-history.png') });

    // "From" is local wall time (Berlin here): only pings received since then remain.
    const since = now - 2.5 * 3600_000;
    const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'short' }).format(since);
    await page.getByLabel('Search payloads and messages').fill('');
    await page.getByLabel('Kind').selectOption('');
    await page.getByLabel('From').fill(local.replace(' ', 'T'));
    await page.getByRole('button', { name: 'Apply' }).click();
    const sinceMinute = Math.floor(since / 60_000) * 60_000;
    const expected = (await collector.api<{ pings: unknown[] }>('GET', `/v1/pings/history?monitor=${seed.stripe.id}&since=${new Date(sinceMinute).toISOString()}&limit=1000`)).pings.length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(50);
    await expect.poll(() => history.locator('tbody tr').count()).toBe(expected);
  });

  test('a search the collector refuses shows its error, not the previous results under the new query', async () => {
    await open(`#/monitors/${seed.stripe.id}`);
    const history = page.getByTestId('ping-history');
    await page.getByLabel('Search payloads and messages').fill('invoice');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => history.locator('tbody tr').count()).toBeGreaterThan(0);

    await page.getByLabel('Search payloads and messages').fill('x'.repeat(600));
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('.history .error').textContent()).toMatch(/must NOT have more than 500 characters/);
    expect(await history.count()).toBe(0);
  });

  test('CSV export downloads what the filter shows: RFC 4180, formulas neutralised, numbers as numbers', async () => {
    await open(`#/monitors/${seed.stripe.id}`);
    await page.getByTestId('ping-history').waitFor();
    await page.getByLabel('Kind').selectOption('log');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByTestId('ping-history').locator('tbody tr').count()).toBe(2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^drumbeats-pings-stripe-webhooks-.*\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    const rows = parse(text, { columns: true, relax_quotes: false }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.run_id)).toEqual(['evt_xss', 'evt_xss']);
    expect(rows[0]).toMatchObject({ kind: 'log', message: XSS_MESSAGE, payload: XSS_PAYLOAD, monitor: 'stripe-webhooks' });
    expect(rows[1]!.message).toBe(`'${FORMULA_MESSAGE}`);
    expect(rows[0]!.received_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(text).toMatch(/,28,false,text\/html,/); // payload_size unquoted

    await page.getByLabel('Kind').selectOption('');
    await page.getByLabel('Search payloads and messages').fill('card_declined');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByTestId('ping-history').locator('tbody tr').count()).toBe(10);
    const [second] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const searched = parse(readFileSync((await second.path())!, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(searched).toHaveLength(10);
    expect(searched.every((r) => r.kind === 'failure' && r.payload!.includes('card_declined'))).toBe(true);
  });

  test('the CSP forbids inline script (and the app itself never trips it)', async () => {
    const response = await page.goto(collector.url);
    await page.getByTestId('monitors-table').waitFor();
    expect(pageErrors).toEqual([]);
    const csp = response!.headers()['content-security-policy']!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    // A string, evaluated in the page: this file is typed for Node, not the DOM.
    const ran = await page.evaluate(`(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
      return window.__inlineRan === true;
    })()`);
    expect(ran).toBe(false);
    await expect.poll(() => pageErrors.some((e) => e.includes('Content Security Policy'))).toBe(true);
    pageErrors.length = 0;
  });

  test('counts read as people write them: "1 run", "1 earlier run"', async () => {
    const monitor = await collector.createMonitor({ name: 'One-off', slug: 'one-off' });
    for (const kind of ['start', 'success']) expect((await fetch(`${collector.pingBase(monitor)}/${kind}?run_id=once`)).status).toBe(200);
    await open('#/');
    const row = page.locator('tr[data-monitor="one-off"]');
    await expect.poll(() => row.getByTestId('runs-counted').textContent()).toBe('1 run');
    await open(`#/monitors/${monitor.id}`);
    await expect.poll(() => page.getByTestId('stats').locator('.section-head .muted').textContent()).toMatch(/^last 1 run · /);
    for (const kind of ['start', 'success']) await fetch(`${collector.pingBase(monitor)}/${kind}?run_id=twice`);
    await open(`#/monitors/${monitor.id}/runs/twice`);
    const steps = page.getByTestId('timeline-steps');
    await steps.waitFor();
    expect(await page.locator('.section-head .muted').first().textContent()).toContain('typical gaps from 1 earlier run');
  });

  test('logout ends the session: the login returns and the old cookie no longer works', async () => {
    await page.goto(collector.url);
    await page.getByTestId('monitors-table').waitFor();
    const [cookie] = await browser.cookies(collector.url);
    await page.getByTestId('logout').click();
    await page.getByLabel('API key or password').waitFor();
    const response = await fetch(`${collector.url}/v1/overview`, { headers: { cookie: `drumbeats_session=${cookie!.value}` } });
    expect(response.status).toBe(401);
    await page.screenshot({ path: artifactPath('dashboard-login.png') });
  });

});

describe.skipIf(!run)('dashboard in chromium: local time across a DST change', () => {
  // Europe/Berlin sprang forward at 2025-03-30T01:00Z: 02:00-03:00 local did not exist.
  const BUCKET = 1_800_000;
  const pings = [
    ['2025-03-29T23:10:00Z', 'success'],
    ['2025-03-30T00:10:00Z', 'success'],
    ['2025-03-30T00:40:00Z', 'failure'],
    ['2025-03-30T00:50:00Z', 'success'],
    ['2025-03-30T01:10:00Z', 'success'],
  ] as const;
  let collector: TestCollector;
  let browser: BrowserContext;
  let monitorId = '';

  beforeAll(async () => {
    const dataDir = makeTempDir();
    const { openSqliteStore } = await import('../collector/store/sqlite-store.ts');
    const store = openSqliteStore(`${dataDir}/drumbeats.sqlite`);
    const monitor = await store.createMonitor({ name: 'Billing sync', slug: 'billing-sync', minDurationMs: null, maxDurationMs: null }, Date.parse('2025-03-01T00:00:00Z'));
    monitorId = monitor.id;
    let n = 0;
    for (const [at, kind] of pings) {
      await store.recordPing(
        { kind, monitorId, runId: `r${++n}`, pingId: `p${n}`, message: null, exitCode: null, durationMs: 1000, sentAt: null, late: false, reason: null, signal: null, payload: null, payloadSize: 0, truncated: false, contentType: null },
        Date.parse(at),
      );
    }
    await store.close();
    collector = await startTestCollector({ dataDir });
    browser = await launchBrowser({ timezoneId: 'Europe/Berlin' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
  });

  test('buckets are UTC, labels are Berlin wall time: 01:30 runs to 03:00, and no 02:00 tick', async () => {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(collector.url);
    await page.getByLabel('API key or password').fill(collector.apiKey);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('monitors-table').waitFor();
    await page.goto(`${collector.url}/#/monitors/${monitorId}?range=24h&end=2025-03-30T11:00:00Z`);
    const chart = page.getByTestId('analytics-chart');
    await chart.waitFor();
    const starts = [...new Set(pings.map(([at]) => Math.floor(Date.parse(at) / BUCKET) * BUCKET))];
    await expect.poll(() => chart.locator('g.bar').count()).toBe(starts.length);
    expect(await chart.locator('g.bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-start')))).toEqual(
      starts.map((s) => new Date(s).toISOString()),
    );

    await chart.locator('g.bar[data-start="2025-03-30T00:30:00.000Z"] .seg-success').hover();
    const tip = page.getByTestId('chart-tooltip');
    expect(await tip.locator('.tooltip-title').textContent()).toBe('Sun 30 Mar, 01:30–03:00');
    expect([await tip.locator('[data-field="success"]').textContent(), await tip.locator('[data-field="failure"]').textContent()]).toEqual(['1', '1']);
    await chart.locator('g.bar[data-start="2025-03-30T01:00:00.000Z"] .seg-success').hover();
    expect(await tip.locator('.tooltip-title').textContent()).toBe('Sun 30 Mar, 03:00–03:30');

    const labels = await chart.locator('g.tick text').allTextContents();
    expect(labels).toContain('Sun 30 Mar');
    expect(labels).toContain('03:00');
    expect(labels).not.toContain('02:00');
    await page.screenshot({ path: artifactPath('dashboard-dst-berlin.png') });
  });
});
