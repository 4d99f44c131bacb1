// The dashboard's API on a real collector: session login and its CSRF rules,
// analytics and overview answers, ping history paging, the CSV export over
// HTTP and through `drumbeats export`, and how the app itself is served.

import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AnalyticsJson, OverviewJson, PingHistoryJson, PingJson } from '../shared/protocol.ts';
import { buildApp } from '../collector/app.ts';
import { openSqliteStore } from '../collector/store/sqlite-store.ts';
import { cleanupTempDirs, makeTempDir, runCli, startTestCollector, type TestCollector } from './helpers/collector.ts';
import { FORMULA_MESSAGE, XSS_PAYLOAD, seedDashboard, type Seed } from './helpers/dashboard-seed.ts';

const NOW = Date.now();
let collector: TestCollector;
let seed: Seed;

beforeAll(async () => {
  const dataDir = makeTempDir();
  seed = await seedDashboard(dataDir, NOW);
  collector = await startTestCollector({ dataDir, env: { DRUMBEATS_DASHBOARD_PASSWORD: 'correct horse battery staple' } });
}, 60_000);

afterAll(async () => {
  await collector?.stop();
  cleanupTempDirs();
});

async function http(method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}) {
  const response = await fetch(`${collector.url}${path}`, {
    method,
    headers: { ...(init.body !== undefined && { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json: json as Record<string, unknown> & { error?: { code: string } } };
}

async function login(secret: string): Promise<string> {
  const res = await http('POST', '/v1/session', { headers: { 'x-drumbeats-csrf': '1' }, body: { secret } });
  expect(res.status).toBe(200);
  return /drumbeats_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
}

describe('session login, cookies and CSRF', () => {
  test('the API refuses anonymous callers and says how to get in', async () => {
    const res = await http('GET', '/v1/overview');
    expect(res.status).toBe(401);
    expect(res.json.error?.code).toBe('unauthorized');
    expect((await http('GET', '/v1/session')).json).toEqual({ authenticated: false, via: null, expires_at: null });
  });

  test('login needs the CSRF header and a right secret; the cookie is HttpOnly, SameSite=Strict', async () => {
    expect((await http('POST', '/v1/session', { body: { secret: collector.apiKey } })).json.error?.code).toBe('csrf');
    const wrong = await http('POST', '/v1/session', { headers: { 'x-drumbeats-csrf': '1' }, body: { secret: 'nope' } });
    expect([wrong.status, wrong.json.error?.code]).toEqual([401, 'invalid_login']);

    const res = await http('POST', '/v1/session', { headers: { 'x-drumbeats-csrf': '1' }, body: { secret: collector.apiKey } });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^drumbeats_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=604800$/);
    const id = /=([^;]+)/.exec(cookie)![1]!;
    const me = await http('GET', '/v1/session', { headers: { cookie: `drumbeats_session=${id}` } });
    expect(me.json).toMatchObject({ authenticated: true, via: 'session' });
    expect((await http('GET', '/v1/overview', { headers: { cookie: `drumbeats_session=${id}` } })).status).toBe(200);
  });

  test('the dashboard password works as well as the API key', async () => {
    const id = await login('correct horse battery staple');
    expect((await http('GET', `/v1/monitors/${seed.stripe.id}/analytics`, { headers: { cookie: `drumbeats_session=${id}` } })).status).toBe(200);
  });

  test('cookie-authenticated writes need the custom header and a same-origin Origin; bearer writes do not', async () => {
    const cookie = `drumbeats_session=${await login(collector.apiKey)}`;
    const path = `/v1/monitors/${seed.gdpr.id}`;
    const patch = (headers: Record<string, string>) => http('PATCH', path, { headers, body: { max_duration_seconds: 120 } });

    expect((await patch({ cookie })).json.error?.code).toBe('csrf');
    expect((await patch({ cookie, 'x-drumbeats-csrf': '1', origin: 'https://evil.example' })).status).toBe(403);
    expect((await patch({ cookie, 'x-drumbeats-csrf': '1', origin: collector.url })).status).toBe(200);
    expect((await patch({ cookie, 'x-drumbeats-csrf': '1' })).status).toBe(200);
    expect((await patch({ authorization: `Bearer ${collector.apiKey}` })).status).toBe(200);
    // A wrong bearer key is refused even with a good cookie: the header is what the caller asked to be judged by.
    expect((await patch({ cookie, 'x-drumbeats-csrf': '1', authorization: 'Bearer wrong' })).status).toBe(401);
  });

  test('too many failed logins: 429 with the wait in the body and in Retry-After', async () => {
    // A collector of its own: the lockout is per address, and every test here comes from 127.0.0.1.
    const own = await startTestCollector();
    try {
      const attempt = () =>
        fetch(`${own.url}/v1/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-drumbeats-csrf': '1' },
          body: JSON.stringify({ secret: 'wrong' }),
        });
      let last = await attempt();
      for (let i = 0; i < 20 && last.status !== 429; i++) last = await attempt();
      expect(last.status).toBe(429);
      const body = (await last.json()) as { error: { code: string }; retry_after_seconds: number };
      expect(body.error.code).toBe('too_many_attempts');
      expect(body.retry_after_seconds).toBeGreaterThan(0);
      expect(last.headers.get('retry-after')).toBe(String(body.retry_after_seconds));
    } finally {
      await own.stop();
    }
  });

  test('logout ends the session and clears the cookie', async () => {
    const id = await login(collector.apiKey);
    const cookie = `drumbeats_session=${id}`;
    expect((await http('DELETE', '/v1/session', { headers: { cookie } })).status).toBe(403);
    const out = await fetch(`${collector.url}/v1/session`, { method: 'DELETE', headers: { cookie, 'x-drumbeats-csrf': '1' } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^drumbeats_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
    expect((await http('GET', '/v1/overview', { headers: { cookie } })).status).toBe(401);
  });
});

describe('analytics, overview and history', () => {
  test('analytics: aligned window, sparse buckets with counts, rates and mean durations', async () => {
    const end = new Date(NOW).toISOString();
    const a = await collector.api<AnalyticsJson>('GET', `/v1/monitors/stripe-webhooks/analytics?range=24h&end=${end}`);
    const to = Math.floor(NOW / 1_800_000) * 1_800_000 + 1_800_000;
    expect([a.from, a.to, a.bucket_seconds]).toEqual([new Date(to - 86_400_000).toISOString(), new Date(to).toISOString(), 1800]);
    const expected = [...seed.stripeBuckets].filter(([start]) => start >= to - 86_400_000).sort(([x], [y]) => x - y);
    expect(a.buckets.map((b) => [b.start, b.success, b.failure, b.avg_duration_ms])).toEqual(
      expected.map(([start, b]) => [
        new Date(start).toISOString(),
        b.success,
        b.failure,
        Math.round(b.durations.reduce((x, y) => x + y, 0) / b.durations.length),
      ]),
    );
    const busy = a.buckets.find((b) => b.failure === 3)!;
    expect(busy.success_rate).toBe(0.75);
    const month = await collector.api<AnalyticsJson>('GET', `/v1/monitors/${seed.stripe.id}/analytics?range=30d&end=${end}`);
    expect(month.buckets).toHaveLength(seed.stripeBuckets.size);
    const finished = [...seed.stripeBuckets.values()].reduce((n, b) => n + b.success + b.failure, 0);
    expect(month.totals.success + month.totals.failure).toBe(finished);

    expect((await collector.apiRaw('GET', `/v1/monitors/${seed.stripe.id}/analytics?range=1y`)).status).toBe(400);
    expect((await collector.apiRaw('GET', '/v1/monitors/nope/analytics')).status).toBe(404);
  });

  test('overview: one row per monitor with state, last run, success rate, p95 and open events', async () => {
    const { monitors } = await collector.api<OverviewJson>('GET', '/v1/overview');
    const bySlug = new Map(monitors.map((m) => [m.monitor.slug, m]));
    expect(bySlug.get('nightly-backup')).toMatchObject({
      state: 'failed',
      last_status: 'failed',
      runs_counted: 3,
      open_events: [{ type: 'FAILED', detail: 'exit_code', run_id: 'backup-1' }],
    });
    expect(bySlug.get('image-resize')).toMatchObject({ state: 'stuck', running: 1, p95_duration_ms: 2500 });
    expect(bySlug.get('gdpr-export')).toMatchObject({ state: 'new', last_run_at: null, success_rate: null });
    const buckets = [...seed.stripeBuckets.values()];
    const ok = buckets.reduce((n, b) => n + b.success, 0);
    expect(bySlug.get('stripe-webhooks')?.success_rate).toBeCloseTo(ok / buckets.reduce((n, b) => n + b.success + b.failure, 0), 10);
  });

  test('history pages newest first without repeats, and searches payloads', async () => {
    const seen: PingJson[] = [];
    let cursor: string | null = null;
    do {
      const page: PingHistoryJson = await collector.api('GET', `/v1/pings/history?monitor=stripe-webhooks&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.pings);
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(seed.stripePingCount);
    expect(new Set(seen.map((p) => p.ping_id)).size).toBe(seen.length);
    const times = seen.map((p) => Date.parse(p.received_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const found = await collector.api<PingHistoryJson>('GET', `/v1/pings/history?q=${encodeURIComponent('onerror')}`);
    expect(found.pings.map((p) => p.payload)).toEqual([XSS_PAYLOAD]);
    const none = await collector.api<PingHistoryJson>('GET', `/v1/pings/history?q=${encodeURIComponent('"** OR')}`);
    expect(none.pings.map((p) => p.run_id)).toEqual([]);
    expect((await collector.apiRaw('GET', '/v1/pings/history?cursor=abc')).status).toBe(400);
  });
});

describe('CSV export', () => {
  test('HTTP: RFC 4180 with CRLF, ISO UTC times, numbers unquoted, the same rows as the history', async () => {
    const response = await fetch(`${collector.url}/v1/pings/export.csv?monitor=stripe-webhooks&kind=failure`, {
      headers: { authorization: `Bearer ${collector.apiKey}` },
    });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="drumbeats-pings-stripe-webhooks-[\dTZ-]+\.csv"$/);
    const text = await response.text();
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('received_at,monitor,run_id,kind,message,exit_code,duration_ms,payload,payload_size,truncated,content_type,sent_at,late,ping_id');
    expect(lines.at(-1)).toBe('');
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,stripe-webhooks,evt_\d{4},failure,,,,"\{""event"":""[a-z.]+"",""error"":""card_declined: upstream answered 402""\}",7\d,false,application\/json,,false,seed-\d+$/);
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    const history = await collector.api<PingHistoryJson>('GET', '/v1/pings/history?monitor=stripe-webhooks&kind=failure&limit=1000');
    // One monitor's export is in receive-time order: the history's, oldest first
    // (the seed stored the oldest burst last, so arrival order would differ).
    expect(rows.map((r) => r.ping_id)).toEqual(history.pings.map((p) => p.ping_id).reverse());
  });

  test('`drumbeats export` streams CSV to stdout or a file; formulas neutralised; errors have exit codes', async () => {
    const env = { DRUMBEATS_URL: collector.url, DRUMBEATS_API_KEY: collector.apiKey, XDG_CONFIG_HOME: makeTempDir() };
    const out = await runCli(['export', '--monitor', 'stripe-webhooks', '--kind', 'log', '--since', '1d'], { env });
    expect(out.exitCode).toBe(0);
    const rows = parse(out.stdout as string, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.run_id, r.message, r.payload])).toEqual([
      ['evt_xss', '<script>alert(2)</script>', XSS_PAYLOAD],
      ['evt_xss', `'${FORMULA_MESSAGE}`, ''],
    ]);

    const file = join(makeTempDir(), 'pings.csv');
    const toFile = await runCli(['export', '--q', 'card_declined', '-o', file], { env });
    expect([toFile.exitCode, toFile.stdout]).toEqual([0, '']);
    expect(parse(readFileSync(file, 'utf8'), { columns: true })).toHaveLength(10);

    expect((await runCli(['export', '--monitor', 'no-such-monitor'], { env })).exitCode).toBe(5);
    const badSince = await runCli(['export', '--since', 'last tuesday-ish'], { env });
    expect(badSince.exitCode).toBe(2);
    expect(badSince.stderr).toContain('--since');
    expect((await runCli(['export'], { env: { ...env, DRUMBEATS_API_KEY: 'wrong' } })).exitCode).toBe(4);

    const missingDir = join(makeTempDir(), 'no-such-dir');
    const noDir = await runCli(['export', '-o', join(missingDir, 'x.csv')], { env });
    expect(noDir.exitCode).toBe(2);
    expect(noDir.stderr).toBe(`drumbeats: cannot write ${join(missingDir, 'x.csv')}: the directory ${missingDir} does not exist\n`);
    const intoDir = await runCli(['export', '-o', makeTempDir()], { env });
    expect(intoDir.exitCode).toBe(2);
    expect(intoDir.stderr).toMatch(/: it is a directory\n$/);
  });
});

describe('serving the app', () => {
  test('the page and its assets come with a CSP allowing only our own script; unknown files are 404', async () => {
    const page = await fetch(`${collector.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    const script = /<script type="module" src="(\/assets\/app-[A-Z0-9]+\.js)"><\/script>/.exec(html)![1]!;
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    const asset = await fetch(`${collector.url}${script}`);
    expect([asset.status, asset.headers.get('content-type'), asset.headers.get('cache-control')]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      'public, max-age=31536000, immutable',
    ]);
    expect((await fetch(`${collector.url}/assets/app-NOPE.js`)).status).toBe(404);
    const traversal = await fetch(`${collector.url}/assets/..%2Fpackage.json`);
    expect(traversal.status).toBe(404);
    expect(((await traversal.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  test('without a built dashboard, / says how to build it', async () => {
    const store = openSqliteStore(join(makeTempDir(), 'db.sqlite'));
    const app = await buildApp({ store, clock: () => NOW, config: { apiKey: 'k', publicUrl: null, dashboardDir: null } });
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
    await app.close();
    await store.close();
  });
});
