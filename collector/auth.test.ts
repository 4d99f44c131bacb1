import Fastify from 'fastify';
import { describe, expect, test } from 'vitest';
import { Auth, checkSameOrigin, originHost, readCookie } from './auth.ts';
import { HttpError } from './errors.ts';

test.each([
  ['https://drumbeats.example.com', 'drumbeats.example.com'],
  ['http://127.0.0.1:8417', '127.0.0.1:8417'],
  ['HTTPS://Drumbeats.Example.COM:443', 'drumbeats.example.com'],
  ['null', null],
  ['file://', null],
  ['not a url', null],
])('originHost(%j) = %j', (origin, host) => {
  expect(originHost(origin)).toBe(host);
});

test.each([
  ['a=1; drumbeats_session=abc; b=2', 'abc'],
  ['drumbeats_session=', null],
  ['other=x', null],
  [undefined, null],
  ['drumbeats_session_x=1; drumbeats_session=ok', 'ok'],
])('readCookie(%j) = %j', (header, value) => {
  expect(readCookie(header, 'drumbeats_session')).toBe(value);
});

describe('checkSameOrigin and sessions over inject()', () => {
  const build = async (publicUrl: string | null) => {
    let now = Date.parse('2026-12-03T12:00:00Z');
    const auth = new Auth({ apiKey: 'key', dashboardPassword: null, secureCookies: publicUrl?.startsWith('https://') ?? false }, () => now);
    const app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      reply.status(error instanceof HttpError ? error.statusCode : 500).send({ code: (error as HttpError).code });
    });
    app.post('/login', async (request, reply) => {
      auth.startSession(request, reply);
      return {};
    });
    app.post('/write', { onRequest: auth.guard }, async () => ({ ok: true }));
    return { app, advance: (ms: number) => (now += ms) };
  };

  test.each([
    ['same host, http', { host: 'dash.example.com', origin: 'http://dash.example.com' }, 200],
    ['same host, https at a TLS proxy', { host: 'dash.example.com', origin: 'https://dash.example.com' }, 200],
    ['no Origin (same-origin GET-like clients)', { host: 'dash.example.com' }, 200],
    ['other host', { host: 'dash.example.com', origin: 'https://evil.example' }, 403],
    ['other port', { host: 'dash.example.com:8417', origin: 'http://dash.example.com:9999' }, 403],
    ['opaque origin', { host: 'dash.example.com', origin: 'null' }, 403],
  ])('%s', async (_name, headers, status) => {
    const { app } = await build(null);
    const login = await app.inject({ method: 'POST', url: '/login' });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const res = await app.inject({ method: 'POST', url: '/write', headers: { ...headers, cookie, 'x-drumbeats-csrf': '1' } });
    expect(res.statusCode).toBe(status);
  });

  test('sessions expire after a week; cookies are Secure when the public URL is https', async () => {
    const { app, advance } = await build('https://dash.example.com');
    const login = await app.inject({ method: 'POST', url: '/login' });
    expect(String(login.headers['set-cookie'])).toMatch(/; Secure$/);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const write = () => app.inject({ method: 'POST', url: '/write', headers: { cookie, 'x-drumbeats-csrf': '1' } });
    advance(7 * 24 * 3600_000 - 1);
    expect((await write()).statusCode).toBe(200);
    advance(1);
    expect((await write()).statusCode).toBe(401);
  });

  test('ten failed logins from one address in five minutes lock it out for the rest of the window', () => {
    let now = 0;
    const auth = new Auth({ apiKey: 'key', dashboardPassword: 'pw' }, () => now);
    for (let i = 0; i < 10; i++) expect(auth.checkLogin('wrong', '10.0.0.1')).toBe(false);
    expect(() => auth.checkLogin('key', '10.0.0.1')).toThrow(/too many failed logins/);
    expect(auth.checkLogin('pw', '10.0.0.2')).toBe(true);
    now = 5 * 60_000;
    expect(auth.checkLogin('key', '10.0.0.1')).toBe(true);
  });
});
