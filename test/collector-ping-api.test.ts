// The ping API end to end, on a real collector process on port 0 with a real
// SQLite file: what curl and any HTTP client can send, and what comes back.

import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MonitorJson, PingResponse, RunDetailJson, RunListJson } from '../shared/protocol.ts';
import { cleanupTempDirs, startTestCollector, type TestCollector } from './helpers/collector.ts';

let collector: TestCollector;
let monitor: MonitorJson;
let base: string;
let runSeq = 0;
const newRunId = () => `run-${Date.now()}-${++runSeq}`;

beforeAll(async () => {
  collector = await startTestCollector();
  monitor = await collector.createMonitor({ name: 'Ping API', min_duration_seconds: 0.2, max_duration_seconds: 600 });
  base = collector.pingBase(monitor);
});
afterAll(async () => {
  await collector?.stop();
  cleanupTempDirs();
});

/** A raw HTTP request with full control over headers and body framing. */
function rawRequest(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; chunks?: Buffer[]; body?: Buffer } = {},
): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: options.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: text === '' ? null : JSON.parse(text) });
      });
    });
    req.on('error', reject);
    if (options.chunks) for (const chunk of options.chunks) req.write(chunk);
    req.end(options.body);
  });
}

const run = (runId: string) => collector.api<RunDetailJson>('GET', `/v1/runs/${encodeURIComponent(runId)}?monitor=${monitor.id}`);
const get = async (path: string) => {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, json: (await response.json()) as any };
};

describe('ping URL shapes', () => {
  test.each([
    ['/success', 'success', null],
    ['', 'success', null],
    ['/0', 'success', 0],
    ['/failure', 'failed', null],
    ['/fail', 'failed', null],
    ['/42', 'failed', 42],
    ['/success?exit_code=7', 'failed', 7],
  ])('start then %s -> %s (exit %s)', async (suffix, status, exitCode) => {
    const runId = newRunId();
    expect((await get(`/start?run_id=${runId}`)).status).toBe(200);
    const sep = suffix.includes('?') ? '&' : '?';
    const answer = await get(`${suffix}${sep}run_id=${runId}`);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ ok: true, run_id: runId, status });
    expect(await run(runId)).toMatchObject({ status, exit_code: exitCode });
  });

  test('HEAD and POST ping like GET', async () => {
    const runId = newRunId();
    const head = await fetch(`${base}/start?run_id=${runId}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const post = await fetch(`${base}/success?run_id=${runId}`, { method: 'POST', body: '{"rows":48}', headers: { 'content-type': 'application/json' } });
    expect(post.status).toBe(200);
    const stored = await run(runId);
    expect(stored.status).toBe('success');
    expect(stored.pings.map((p) => p.kind)).toEqual(['start', 'success']);
    expect(stored.pings[1]).toMatchObject({ payload: '{"rows":48}', content_type: 'application/json', payload_size: 11, truncated: false });
  });

  test('/start without run_id gets a generated one, returned in the answer', async () => {
    const answer = await get('/start');
    expect(answer.status).toBe(200);
    expect(answer.json.run_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await run(answer.json.run_id)).status).toBe('running');
  });
});

describe('bodies', () => {
  test('an empty chunked POST closes the run as success', async () => {
    const runId = newRunId();
    await get(`/start?run_id=${runId}`);
    const answer = await rawRequest('POST', `${base}/success?run_id=${runId}`, {
      headers: { 'transfer-encoding': 'chunked', 'content-type': 'text/plain' },
      chunks: [],
    });
    expect(answer.status).toBe(200);
    expect((await run(runId)).status).toBe('success');
  });

  test('a Content-Length: 0 POST closes the run as success', async () => {
    const runId = newRunId();
    await get(`/start?run_id=${runId}`);
    const answer = await rawRequest('POST', `${base}?run_id=${runId}`, { headers: { 'content-length': '0' } });
    expect(answer.status).toBe(200);
    const stored = await run(runId);
    expect(stored.status).toBe('success');
    expect(stored.pings[1]).toMatchObject({ payload: null, payload_size: 0, truncated: false });
  });

  test('non-UTF-8 and binary bodies are accepted and come back as valid UTF-8', async () => {
    const runId = newRunId();
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x41, 0xc3, 0x28, 0xe2, 0x82]);
    const a = await rawRequest('POST', `${base}/log?run_id=${runId}`, { headers: { 'content-type': 'application/octet-stream' }, body: binary });
    const b = await rawRequest('POST', `${base}/success?run_id=${runId}`, { headers: { 'content-type': 'text/plain; charset=latin1' }, body: Buffer.from('caf\xe9', 'latin1') });
    expect([a.status, b.status]).toEqual([200, 200]);
    const stored = await run(runId);
    expect(stored.pings[0]).toMatchObject({ payload: '\u0000\uFFFD\uFFFDA\uFFFD(\uFFFD', payload_size: 8 });
    expect(stored.pings[1]).toMatchObject({ payload: 'caf\uFFFD', payload_size: 4 });
  });

  test('bodies over 10 KB keep 10 KB cut on a character boundary, with size and truncated flag', async () => {
    const runId = newRunId();
    const body = `${'a'.repeat(10_239)}é${'z'.repeat(5_000)}`; // é straddles the 10,240-byte limit
    const answer = await rawRequest('POST', `${base}/success?run_id=${runId}`, { headers: { 'content-type': 'text/plain' }, body: Buffer.from(body) });
    expect(answer.status).toBe(200);
    const [ping] = (await run(runId)).pings;
    expect(ping?.payload).toBe('a'.repeat(10_239));
    expect(ping?.payload_size).toBe(Buffer.byteLength(body));
    expect(ping?.truncated).toBe(true);
  });

  test('a 40 MB body (a whole log posted as the terminal ping) still closes the run: 10 KB kept, size counted', async () => {
    const runId = newRunId();
    await get(`/start?run_id=${runId}`);
    const body = Buffer.alloc(40 * 1024 * 1024, 'x');
    const answer = await rawRequest('POST', `${base}/failure?run_id=${runId}`, { headers: { 'content-type': 'text/plain' }, body });
    expect(answer.status).toBe(200);
    const stored = await run(runId);
    expect(stored.status).toBe('failed');
    expect(stored.pings[1]).toMatchObject({ payload_size: body.length, truncated: true });
    expect(stored.pings[1]?.payload).toHaveLength(10_240);
  });

  test('invalid JSON with a JSON content type is still just a payload', async () => {
    const runId = newRunId();
    const answer = await rawRequest('POST', `${base}/failure?run_id=${runId}`, { headers: { 'content-type': 'application/json' }, body: Buffer.from('{oops') });
    expect(answer.status).toBe(200);
    expect((await run(runId)).pings[0]?.payload).toBe('{oops');
  });
});

describe('messages', () => {
  test('a message with % & # + ? / and é comes back byte for byte', async () => {
    const runId = newRunId();
    const message = '50% done & next=step #2 + a/b?c é';
    const answer = await get(`/log?run_id=${runId}&message=${encodeURIComponent(message)}`);
    expect(answer.status).toBe(200);
    const stored = await run(runId);
    expect(stored.pings[0]?.message).toBe(message);
    expect(stored.last_message).toBe(message);
  });

  test('form-style + is a space, %2B a plus', async () => {
    const runId = newRunId();
    await get(`/log?run_id=${runId}&message=Pulled+48+entries+%2B+1`);
    expect((await run(runId)).pings[0]?.message).toBe('Pulled 48 entries + 1');
  });
});

describe('bad input gets a 4xx with the error envelope, never a 500', () => {
  test.each([
    ['/start?run_id=a%20b', 400, 'invalid_run_id'],
    [`/start?run_id=${'x'.repeat(129)}`, 400, 'invalid_run_id'],
    ['/256?run_id=r', 400, 'invalid_exit_code'],
    ['/failure?run_id=r&exit_code=-3', 400, 'invalid_exit_code'],
    [`/log?run_id=r&message=${'m'.repeat(1025)}`, 400, 'message_too_long'],
    ['/restart?run_id=r', 400, 'unknown_action'],
    ['/log', 400, 'missing_run_id'],
    ['/success?run_id=r&duration_ms=soon', 400, 'invalid_duration'],
  ])('%s -> %i %s', async (path, status, code) => {
    const answer = await get(path);
    expect(answer.status).toBe(status);
    expect(answer.json.error.code).toBe(code);
    expect(typeof answer.json.error.message).toBe('string');
  });

  test('errors raised before routing keep the envelope: over-long path segment, bad escape, huge request line', async () => {
    const long = await fetch(`${collector.url}/v1/ping/${'a'.repeat(600)}/start`);
    expect(long.status).toBe(414);
    expect(await long.json()).toMatchObject({ error: { code: 'path_too_long' } });
    const bad = await fetch(`${collector.url}/v1/ping/%E0%A4%A/start`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'bad_url' } });
    const huge = await rawRequest('GET', `${base}/log?run_id=r&message=${'m'.repeat(20_000)}`);
    expect(huge).toMatchObject({ status: 431, json: { error: { code: 'request_too_large' } } });
  });

  test('unknown monitor -> 404 carrying the run_id', async () => {
    const response = await fetch(`${collector.url}/v1/ping/mon_AAAAAAAAAAAAAAAAAAAAAA/start?run_id=r9`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'unknown_monitor' }, run_id: 'r9' });
  });

  test('a slug does not work as a ping address (ids are the secret)', async () => {
    const response = await fetch(`${collector.url}/v1/ping/${monitor.slug}/start?run_id=r9`);
    expect(response.status).toBe(404);
  });

  test('management API without or with a wrong key -> 401', async () => {
    expect((await fetch(`${collector.url}/v1/monitors`)).status).toBe(401);
    const wrong = await fetch(`${collector.url}/v1/monitors`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  test('management API validation errors are 400 with a readable message', async () => {
    const { status, json } = await collector.apiRaw('POST', '/v1/monitors', { name: 'x', max_duration_seconds: -1 });
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: { code: 'invalid_request' } });
    const inverted = await collector.apiRaw('POST', '/v1/monitors', { name: 'x', min_duration_seconds: 10, max_duration_seconds: 5 });
    expect(inverted).toMatchObject({ status: 400, json: { error: { code: 'invalid_thresholds' } } });
  });
});

describe('run lifecycle over HTTP', () => {
  test('duplicate start: start_count 3, one DUPLICATE_START, started_at kept', async () => {
    const runId = newRunId();
    const first = await get(`/start?run_id=${runId}`);
    await get(`/start?run_id=${runId}`);
    await get(`/start?run_id=${runId}`);
    const stored = await run(runId);
    expect(first.status).toBe(200);
    expect(stored.start_count).toBe(3);
    expect(stored.events.map((e) => e.type)).toEqual(['DUPLICATE_START']);
    expect(stored.started_at).toBe(stored.pings[0]?.received_at);
  });

  test('terminal before start: the run is created closed; the late start attaches without reopening', async () => {
    const runId = newRunId();
    await get(`/success?run_id=${runId}&duration_ms=1234`);
    await get(`/start?run_id=${runId}`);
    const stored = await run(runId);
    expect(stored).toMatchObject({ status: 'success', duration_ms: 1234, start_count: 1, deadline_at: null });
  });

  test('overlapping runs: R2 succeeds while R1 stays running', async () => {
    const r1 = newRunId();
    const r2 = newRunId();
    await get(`/start?run_id=${r1}`);
    await get(`/start?run_id=${r2}`);
    await new Promise((r) => setTimeout(r, 250)); // past min_duration
    await get(`/success?run_id=${r2}`);
    expect((await run(r2)).status).toBe('success');
    expect((await run(r1)).status).toBe('running');
  });

  test('a success sooner than min_duration raises DURATION_LOW', async () => {
    const runId = newRunId();
    await get(`/start?run_id=${runId}`);
    await get(`/success?run_id=${runId}`);
    expect((await run(runId)).events.map((e) => e.type)).toEqual(['DURATION_LOW']);
  });

  test('replaying a ping with the same ping_id stores it once', async () => {
    const runId = newRunId();
    const a = await get(`/success?run_id=${runId}&ping_id=abc123&duration_ms=900&late=1`);
    const b = await get(`/success?run_id=${runId}&ping_id=abc123&duration_ms=900&late=1`);
    expect([a.json.duplicate, b.json.duplicate]).toEqual([false, true]);
    const stored = await run(runId);
    expect(stored.pings).toHaveLength(1);
    expect(stored).toMatchObject({ delivered_late: true, duration_ms: 900 });
  });

  test('a ping_id reused for another kind of ping is a 409, never a silent duplicate that drops the outcome', async () => {
    const runId = newRunId();
    await get(`/log?run_id=${runId}&ping_id=X1&message=one`);
    const reused = await get(`/success?run_id=${runId}&ping_id=X1`);
    expect(reused.status).toBe(409);
    expect(reused.json).toMatchObject({ error: { code: 'ping_id_reused' }, run_id: runId });
    // The run is untouched and the real terminal ping, under its own id, still closes it.
    expect((await run(runId)).status).toBe('running');
    expect((await get(`/success?run_id=${runId}&ping_id=X2`)).status).toBe(200);
    expect((await run(runId)).status).toBe('success');
    // Same kind, another exit code: not a replay either.
    const other = newRunId();
    expect((await get(`/1?run_id=${other}&ping_id=T1`)).status).toBe(200);
    expect((await get(`/2?run_id=${other}&ping_id=T1`)).status).toBe(409);
    expect((await get(`/1?run_id=${other}&ping_id=T1`)).json.duplicate).toBe(true);
  });

  test('a ping_id is scoped to its run: the same id in another run is a new ping', async () => {
    const [d1, d2] = [newRunId(), newRunId()];
    const a = await get(`/start?run_id=${d1}&ping_id=step1`);
    const b = await get(`/start?run_id=${d2}&ping_id=step1`);
    expect([a.json.duplicate, b.json.duplicate]).toEqual([false, false]);
    expect(b.json.run_id).toBe(d2);
    expect((await run(d2)).status).toBe('running');
  });

  test('runs list answers with the documented keys', async () => {
    const list = await collector.api<RunListJson>('GET', `/v1/runs?monitor=${monitor.slug}&limit=5`);
    expect(list.runs.length).toBe(5);
    for (const key of ['run_id', 'monitor_id', 'status', 'failure_reason', 'started_at', 'ended_at', 'duration_ms', 'exit_code', 'start_count', 'events']) {
      expect(list.runs[0]).toHaveProperty(key);
    }
  });

  test('ping ids the collector generates are unique and sort in arrival order', async () => {
    const runId = newRunId();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await get(`/log?run_id=${runId}&message=m${i}`)).json.ping_id);
    expect(new Set(ids).size).toBe(20);
    expect([...ids].sort()).toEqual(ids);
    expect((await run(runId)).pings.map((p) => p.ping_id)).toEqual(ids);
  });

  test('every answer carries the run_id', async () => {
    const runId = newRunId();
    for (const path of [`/start?run_id=${runId}`, `/log?run_id=${runId}&message=x`, `/success?run_id=${runId}`]) {
      expect(((await get(path)).json as PingResponse).run_id).toBe(runId);
    }
  });
});
