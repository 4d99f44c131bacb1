// Test helpers: a real collector process on port 0 in a temp data dir, and
// the built CLI run as a child process. No mocks: tests talk HTTP to the same
// binary users run.

import { execa, type Result } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MonitorInput, MonitorJson } from '../../shared/protocol.ts';
import { locateWriterThread } from '../../collector/dashboard-assets.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(REPO_ROOT, 'bin', 'drumbeats.js');

/** The built writer thread (dist/writer-thread.js; `npm test` builds first). */
export function builtWriterThread(): URL {
  const url = locateWriterThread();
  if (!url) throw new Error('dist/writer-thread.js is missing: run `npm run build` first');
  return url;
}

export interface TestCollector {
  url: string;
  apiKey: string;
  dataDir: string;
  process: ChildProcess;
  /** Graceful stop (SIGTERM) and wait for exit. */
  stop(): Promise<void>;
  /** kill -9 and wait for exit. */
  kill9(): Promise<void>;
  createMonitor(input: MonitorInput): Promise<MonitorJson>;
  /** Calls the management API with the key; resolves with status and parsed JSON. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  apiRaw(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  /** The ping base URL of a monitor: `${url}/v1/ping/${id}`. */
  pingBase(monitor: MonitorJson): string;
}

export interface StartOptions {
  /** Reuse a data dir (restart scenarios); a fresh temp dir otherwise. */
  dataDir?: string;
  apiKey?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra CLI flags for `drumbeats collector`. */
  args?: string[];
}

const tempDirs: string[] = [];

/** A fresh temp directory removed by cleanupTempDirs(). */
export function makeTempDir(prefix = 'drumbeats-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes every temp dir made by this test file. */
export function cleanupTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Starts `drumbeats collector --port 0` and waits for its URL. */
export async function startTestCollector(options: StartOptions = {}): Promise<TestCollector> {
  const dataDir = options.dataDir ?? makeTempDir();
  const apiKey = options.apiKey ?? 'test-key-0123456789';
  const child = spawn(
    process.execPath,
    [CLI, 'collector', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])],
    {
      env: { ...process.env, DRUMBEATS_API_KEY: apiKey, DRUMBEATS_LOG_LEVEL: 'error', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`collector did not start in 15 s:\n${out}\n${err}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited with ${code}:\n${out}\n${err}`));
    });
  });

  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const apiRaw = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
  };
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const { status, json } = await apiRaw(method, path, body);
    if (status >= 400) throw new Error(`${method} ${path} -> ${status} ${JSON.stringify(json)}`);
    return json as T;
  };
  return {
    url,
    apiKey,
    dataDir,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    createMonitor: (input) => api<MonitorJson>('POST', '/v1/monitors', input),
    api,
    apiRaw,
    pingBase: (monitor) => `${url}/v1/ping/${monitor.id}`,
  };
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeout?: number;
  cwd?: string;
}

/** Runs the built CLI; never rejects on a non-zero exit. */
export function runCli(args: string[], options: CliOptions = {}): Promise<Result> {
  return execa(process.execPath, [CLI, ...args], {
    reject: false,
    env: { NO_COLOR: '1', ...options.env },
    ...(options.input !== undefined && { input: options.input }),
    timeout: options.timeout ?? 30_000,
    cwd: options.cwd ?? REPO_ROOT,
    stripFinalNewline: false,
    encoding: 'utf8',
  }) as unknown as Promise<Result>;
}
