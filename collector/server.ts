// The collector process: opens the store in the data dir, resolves the API
// key, builds the app, starts the watchdog, listens, and shuts down cleanly
// on SIGINT/SIGTERM. Its configuration arrives already resolved (flags > env
// > defaults) from the CLI's `collector` command.

import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../shared/make-dirs.ts';
import { buildApp } from './app.ts';
import { locateDashboardDir, locateWriterThread } from './dashboard-assets.ts';
import { LiveFeed } from './live-feed.ts';
import { openSqliteStore } from './store/sqlite-store.ts';
import { Watchdog } from './watchdog.ts';

export interface CollectorConfig {
  host: string;
  port: number;
  dataDir: string;
  /** From DRUMBEATS_API_KEY; when null, one is generated once and kept in the data dir. */
  apiKey: string | null;
  publicUrl: string | null;
  /** Accepted at dashboard login besides the API key (DRUMBEATS_DASHBOARD_PASSWORD). */
  dashboardPassword: string | null;
  synchronous: 'full' | 'normal';
  logLevel: string;
}

export const DEFAULT_PORT = 8417;
export const DATABASE_FILE = 'drumbeats.sqlite';
export const API_KEY_FILE = 'api-key';

/** The data dir could not be created; `code` is the system's (ENOTDIR: a file is in the way). */
export class DataDirError extends Error {
  readonly code: string | undefined;
  constructor(dataDir: string, cause: NodeJS.ErrnoException) {
    super(`cannot create the data dir ${dataDir}: ${cause.message}`);
    this.name = 'DataDirError';
    this.code = cause.code;
  }
}

export interface RunningCollector {
  url: string;
  close(): Promise<void>;
}

/** Starts the collector and resolves once it listens. */
export async function startCollector(config: CollectorConfig, out: (line: string) => void): Promise<RunningCollector> {
  try {
    makeDirs(config.dataDir, 0o700);
  } catch (error) {
    throw new DataDirError(config.dataDir, error as NodeJS.ErrnoException);
  }
  // Writes run in the built writer thread; from source without a build, inline.
  const store = openSqliteStore(join(config.dataDir, DATABASE_FILE), {
    synchronous: config.synchronous,
    writerThread: locateWriterThread(),
  });
  const apiKey = config.apiKey ?? loadOrCreateApiKey(config.dataDir, out);
  const clock = () => Date.now();
  const feed = new LiveFeed();

  const watchdog = new Watchdog({
    store,
    clock,
    onExpired: (run) => {
      app.log.info({ monitor: run.monitorId, run_id: run.runId }, 'watchdog closed run');
      feed.notify();
    },
    onError: (error) => app.log.error({ err: error }, 'watchdog sweep failed'),
  });
  const dashboardDir = locateDashboardDir();
  const app = await buildApp({
    store,
    clock,
    watchdog,
    feed,
    config: { apiKey, publicUrl: config.publicUrl, dashboardPassword: config.dashboardPassword, dashboardDir },
    logger: { level: config.logLevel },
  });

  await watchdog.start(); // closes runs that expired while the collector was down
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
  out(`drumbeats collector listening on ${url}`);
  out(`data: ${join(config.dataDir, DATABASE_FILE)}`);
  out(dashboardDir === null ? 'dashboard: not built in this install (npm run build)' : `dashboard: ${url}/`);

  let closing: Promise<void> | null = null;
  return {
    url,
    close: () =>
      (closing ??= (async () => {
        await watchdog.stop();
        await app.close();
        await store.close();
      })()),
  };
}

// The generated key is shown once, at creation; afterwards it is only in the file (0600).
function loadOrCreateApiKey(dataDir: string, out: (line: string) => void): string {
  const file = join(dataDir, API_KEY_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing !== '') return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = `dbk_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  out(`API key (shown once; kept in ${file}): ${key}`);
  return key;
}
