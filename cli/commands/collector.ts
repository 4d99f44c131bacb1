// `drumbeats collector`: resolves its configuration (flag > env > default)
// and runs the collector until SIGINT/SIGTERM.

import { homedir } from 'node:os';
import { join } from 'node:path';
import { DataDirError, DEFAULT_PORT, startCollector, type CollectorConfig } from '../../collector/server.ts';
import { fetchBlockedPortReason, isFetchBlockedPort } from '../../shared/bad-ports.ts';
import { CliError, EXIT } from '../errors.ts';

export interface CollectorFlags {
  host?: string;
  port?: string;
  dataDir?: string;
  publicUrl?: string;
  dashboardPassword?: string;
  sync: 'full' | 'normal';
}

/** Runs the collector in the foreground. */
export async function collectorCommand(flags: CollectorFlags, env: NodeJS.ProcessEnv): Promise<void> {
  const config = resolveCollectorConfig(flags, env);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let collector;
  try {
    collector = await startCollector(config, out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${config.port} on ${config.host} is in use: pick another with --port`, EXIT.failure);
    if (code === 'EACCES') throw new CliError(`not allowed to listen on ${config.host}:${config.port} or write ${config.dataDir}`, EXIT.failure);
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new CliError(`data dir ${config.dataDir} is not a directory: pass another with --data-dir`, EXIT.usage);
    }
    if (error instanceof DataDirError) throw new CliError(`${error.message}: pass another with --data-dir`, EXIT.usage);
    throw error;
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void collector.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Flag > env > default, validated once. */
export function resolveCollectorConfig(flags: CollectorFlags, env: NodeJS.ProcessEnv): Readonly<CollectorConfig> {
  const portText = flags.port ?? env.DRUMBEATS_PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new CliError(`port "${portText}" must be a number from 0 to 65535`, EXIT.usage);
  if (isFetchBlockedPort(port)) {
    throw new CliError(`${fetchBlockedPortReason(port)}: the dashboard and the CLI could not reach it; pick another with --port`, EXIT.usage);
  }
  const publicUrl = flags.publicUrl ?? env.DRUMBEATS_PUBLIC_URL ?? null;
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return Object.freeze({
    host: flags.host ?? env.DRUMBEATS_HOST ?? '127.0.0.1',
    port,
    dataDir: flags.dataDir ?? env.DRUMBEATS_DATA_DIR ?? join(dataHome, 'drumbeats'),
    apiKey: env.DRUMBEATS_API_KEY || null,
    publicUrl: publicUrl === null || publicUrl === '' ? null : checkPublicUrl(publicUrl),
    dashboardPassword: flags.dashboardPassword || env.DRUMBEATS_DASHBOARD_PASSWORD || null,
    synchronous: flags.sync,
    logLevel: env.DRUMBEATS_LOG_LEVEL ?? 'warn',
  });
}

// The address people and jobs use to reach this collector (behind a proxy, say): it prefixes every
// ping URL the collector prints, so it must be an absolute http(s) URL; kept without a trailing slash.
function checkPublicUrl(text: string): string {
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // not a URL: said below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new CliError(`--public-url "${text}" must be an http:// or https:// URL such as https://drumbeats.example.com`, EXIT.usage);
  }
  return text.replace(/\/+$/, '');
}
