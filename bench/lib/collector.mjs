// The collector under test, started from the built binary exactly as a user
// would: `drumbeats collector --port 0 --data-dir <dir>` with DRUMBEATS_API_KEY.
import { performance } from 'node:perf_hooks';
import { startListening } from './processes.mjs';

export const API_KEY = 'bench-api-key-0123456789';

/** Starts a collector; `args` are extra flags such as ['--sync', 'normal']. */
export async function startCollector(bin, dataDir, args = [], nodeFlags = []) {
  const spawnedAt = performance.now();
  const server = await startListening(
    process.execPath,
    [...nodeFlags, bin, 'collector', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...args],
    { env: { DRUMBEATS_API_KEY: API_KEY, DRUMBEATS_LOG_LEVEL: 'error' }, timeoutMs: 600_000 },
  );
  const listeningMs = performance.now() - spawnedAt;

  /** Calls the management API; resolves with status, parsed JSON (or text) and time in ms. */
  const api = async (method, path, body) => {
    const started = performance.now();
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    let json = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json, ms, bytes: Buffer.byteLength(text) };
  };
  const apiOk = async (method, path, body) => {
    const result = await api(method, path, body);
    if (result.status >= 400) throw new Error(`${method} ${path} -> ${result.status} ${JSON.stringify(result.json).slice(0, 300)}`);
    return result;
  };
  return { ...server, listeningMs, api, apiOk };
}

/** Creates a monitor through the API and returns its JSON. */
export async function createMonitor(collector, input) {
  return (await collector.apiOk('POST', '/v1/monitors', input)).json;
}
