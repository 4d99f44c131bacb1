// The dashboard's only transport: same-origin fetch with the session cookie.
// Writes carry the CSRF header the collector requires of cookie-authenticated
// requests. A 401 anywhere means the session is gone: the app shows the login.

import { CSRF_HEADER, type ErrorBody } from '../../shared/protocol.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let onUnauthorized: () => void = () => undefined;

/** Called whenever the collector answers 401 (the session expired or was ended). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

/** Calls the collector's API and returns its JSON answer; throws ApiError on 4xx/5xx. */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers[CSRF_HEADER] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    throw new ApiError(response.status, 'not_json', `the collector answered ${response.status} with something that is not JSON`);
  }
  if (!response.ok) {
    const error = (json as ErrorBody | null)?.error;
    if (response.status === 401 && path !== '/v1/session') onUnauthorized();
    throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${response.status}`);
  }
  return json as T;
}

/** A query string from the defined entries of `params`. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
