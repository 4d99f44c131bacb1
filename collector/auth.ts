// Who may use the management API: a caller with `Authorization: Bearer <api
// key>`, or a dashboard session. Sessions are random ids kept server-side
// (only their SHA-256 is held, in memory: a collector restart logs everyone
// out) and travel in an HttpOnly, SameSite=Strict cookie. A cookie is ambient
// authority, so a state-changing request that relies on it must also carry a
// custom header and, when the browser sends one, a same-origin Origin: a
// cross-site form or fetch can do neither without a CORS preflight we never
// grant.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_HEADER, SESSION_COOKIE } from '../shared/protocol.ts';
import { HttpError } from './errors.ts';

export interface AuthConfig {
  apiKey: string;
  /** When set, the dashboard also accepts this password at login. */
  dashboardPassword: string | null;
  /** Mark session cookies Secure even on plain-HTTP requests (the collector is behind a TLS proxy). */
  secureCookies?: boolean;
}

/** How a request was authenticated. */
export type AuthVia = 'bearer' | 'session';

interface Session {
  expiresAt: number;
}

/** Sessions last a week from login. */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;
const MAX_SESSIONS = 10_000;
/** Failed logins allowed per client address and window before 429. */
const LOGIN_FAILURES_ALLOWED = 10;
const LOGIN_WINDOW_MS = 5 * 60_000;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class Auth {
  readonly #apiKey: Buffer;
  readonly #password: Buffer | null;
  readonly #clock: () => number;
  readonly #secureCookies: boolean;
  readonly #sessions = new Map<string, Session>();
  readonly #failures = new Map<string, { count: number; since: number }>();

  constructor(config: AuthConfig, clock: () => number) {
    this.#apiKey = digest(config.apiKey);
    this.#password = config.dashboardPassword ? digest(config.dashboardPassword) : null;
    this.#clock = clock;
    this.#secureCookies = config.secureCookies ?? false;
  }

  /** onRequest hook: lets bearer or session callers through, else 401 (or 403 for a cross-site write). */
  readonly guard = async (request: FastifyRequest): Promise<void> => {
    const via = this.identify(request);
    if (via === null) {
      throw new HttpError(401, 'unauthorized', 'missing API key: send "Authorization: Bearer <key>" or log in to the dashboard');
    }
    if (via === 'session') checkSameOrigin(request);
  };

  /** How `request` is authenticated, or null; throws 401 on a wrong bearer key. */
  identify(request: FastifyRequest): AuthVia | null {
    const header = request.headers.authorization;
    if (header !== undefined && header !== '') {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw new HttpError(401, 'unauthorized', 'malformed Authorization header: send "Bearer <key>"');
      if (!timingSafeEqual(digest(match[1]!), this.#apiKey)) throw new HttpError(401, 'unauthorized', 'invalid API key');
      return 'bearer';
    }
    return this.sessionOf(request) ? 'session' : null;
  }

  /** The live session of the request's cookie, if any. */
  sessionOf(request: FastifyRequest): Session | null {
    const id = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!id) return null;
    const key = digest(id).toString('hex');
    const session = this.#sessions.get(key);
    if (!session) return null;
    if (session.expiresAt <= this.#clock()) {
      this.#sessions.delete(key);
      return null;
    }
    return session;
  }

  /** Checks a login secret (the API key, or the dashboard password when set), counting failures per address. */
  checkLogin(secret: string, address: string): boolean {
    const now = this.#clock();
    const failures = this.#failures.get(address);
    if (failures && now - failures.since < LOGIN_WINDOW_MS && failures.count >= LOGIN_FAILURES_ALLOWED) {
      throw new HttpError(429, 'too_many_attempts', 'too many failed logins; wait a few minutes', {
        retry_after_seconds: Math.ceil((failures.since + LOGIN_WINDOW_MS - now) / 1000),
      });
    }
    const given = digest(secret);
    const ok = timingSafeEqual(given, this.#apiKey) || (this.#password !== null && timingSafeEqual(given, this.#password));
    if (ok) {
      this.#failures.delete(address);
    } else if (!failures || now - failures.since >= LOGIN_WINDOW_MS) {
      this.#failures.set(address, { count: 1, since: now });
    } else {
      failures.count += 1;
    }
    return ok;
  }

  /** Starts a session and sets its cookie on `reply`. */
  startSession(request: FastifyRequest, reply: FastifyReply): Session {
    this.#sweep();
    const id = randomBytes(32).toString('base64url');
    const session = { expiresAt: this.#clock() + SESSION_TTL_MS };
    this.#sessions.set(digest(id).toString('hex'), session);
    reply.header('set-cookie', sessionCookie(id, Math.floor(SESSION_TTL_MS / 1000), this.#secureCookies || request.protocol === 'https'));
    return session;
  }

  /** Ends the request's session (if any) and clears the cookie. */
  endSession(request: FastifyRequest, reply: FastifyReply): void {
    const id = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (id) this.#sessions.delete(digest(id).toString('hex'));
    reply.header('set-cookie', sessionCookie('', 0, this.#secureCookies || request.protocol === 'https'));
  }

  #sweep(): void {
    const now = this.#clock();
    for (const [key, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(key);
    for (const [address, f] of this.#failures) if (now - f.since >= LOGIN_WINDOW_MS) this.#failures.delete(address);
    // Bounded memory: past the cap the oldest sessions go first (Map keeps insertion order).
    for (const key of this.#sessions.keys()) {
      if (this.#sessions.size < MAX_SESSIONS) break;
      this.#sessions.delete(key);
    }
  }
}

/**
 * CSRF guard for cookie-authenticated writes: the custom header, and an
 * Origin (when sent) naming the host the request was sent to. The scheme is
 * not compared: behind a TLS-terminating proxy the browser says https while
 * the collector sees http.
 */
export function checkSameOrigin(request: FastifyRequest): void {
  if (!UNSAFE_METHODS.has(request.method)) return;
  if (request.headers[CSRF_HEADER] !== '1') {
    throw new HttpError(403, 'csrf', `state-changing dashboard requests must send "${CSRF_HEADER}: 1"`);
  }
  const origin = request.headers.origin;
  if (origin !== undefined && originHost(origin) !== request.host.toLowerCase()) {
    throw new HttpError(403, 'csrf', 'cross-origin request refused');
  }
}

/** The host[:port] of an Origin header, lower-cased; null for "null" or garbage. */
export function originHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host.toLowerCase() : null;
  } catch {
    return null;
  }
}

function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The onRequest hook that guards a route plugin: bearer API key or dashboard session. */
export function guardOf(deps: { auth?: Auth }): (request: FastifyRequest) => Promise<void> {
  const auth = deps.auth;
  if (!auth) throw new Error('buildApp sets deps.auth before registering routes');
  return auth.guard;
}
