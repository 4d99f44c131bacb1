// The management API client used by the read commands (not by `run`, which
// has its own lean, retrying transport). Maps transport and HTTP failures to
// CliErrors that say what to do next.

import type { ErrorBody } from '../shared/protocol.ts';
import { describeFetchError } from './core/fetch-error.ts';
import { CliError, EXIT } from './errors.ts';

export interface ClientConfig {
  url: string;
  apiKey: string | null;
}

const REQUEST_TIMEOUT_MS = 10_000;

/** Calls the collector's management API and returns the parsed JSON answer. */
export async function callApi<T>(
  config: ClientConfig,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  if (!config.apiKey) {
    throw new CliError(
      'no API key: pass --api-key, set DRUMBEATS_API_KEY or run `drumbeats login` (the collector printed it on first start and keeps it in <data-dir>/api-key)',
      EXIT.usage,
    );
  }
  const url = `${config.url.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${config.apiKey}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const why = describeFetchError(error, REQUEST_TIMEOUT_MS);
    throw new CliError(
      `cannot reach the collector at ${config.url} (${why}): is it running? Set --url or DRUMBEATS_URL`,
      EXIT.unreachable,
    );
  }
  const text = await response.text();
  if (response.status === 204) return undefined as T;
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new CliError(`${config.url} answered ${response.status} with something that is not JSON: is it a drumbeats collector?`);
  }
  if (!response.ok) {
    const message = (json as ErrorBody | undefined)?.error?.message ?? `HTTP ${response.status}`;
    const code = (json as ErrorBody | undefined)?.error?.code ?? null;
    if (response.status === 401) throw new CliError(`${message} (check --api-key or DRUMBEATS_API_KEY, or run \`drumbeats login\`)`, EXIT.unauthorized, code);
    if (response.status === 404) throw new CliError(message, EXIT.notFound, code);
    throw new CliError(message, EXIT.failure, code);
  }
  return json as T;
}
