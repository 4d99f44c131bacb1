// The spool: pings that could not be delivered, one JSON file per ping,
// written atomically (temp file, fsync, rename) so a reader never sees half a
// ping and any number of wrappers can write at once. Delivery takes a per-run
// lock file so two flushers never interleave the pings of one run.

import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { makeDirs } from '../../shared/make-dirs.ts';
import { decodePingRecord, encodePingRecord, parseSpoolFileName, planSpoolDelivery, spoolFileName, type PingRecord } from '../core/ping-record.ts';
import { deliverPing, resolveMonitor, type DeliveryContext, type DeliveryResult, type MonitorResolution } from './deliver.ts';

/** A lock older than this is taken over even if its pid looks alive (pids get reused). */
const STALE_LOCK_MS = 10 * 60 * 1000;

/** Writes records to the spool in order; stops at the first failure. */
export function writeSpool(dir: string, records: readonly PingRecord[]): { written: number; error: string | null } {
  let written = 0;
  try {
    makeDirs(dir, 0o700);
    for (const record of records) {
      const tmp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, encodePingRecord(record));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, join(dir, spoolFileName(record)));
      written++;
    }
    return { written, error: null };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Node's messages already begin with the code ("ENOENT: no such file…").
    return { written, error: e.code && !e.message.startsWith(e.code) ? `${e.code}: ${e.message}` : e.message };
  }
}

export interface FlushReport {
  delivered: number;
  /** Pings the collector refused for good (4xx): removed from the spool. */
  rejected: string[];
  /** Pings still in the spool. */
  remaining: number;
  /** Why the last collector could not be reached, if one could not. */
  lastError: string | null;
  /** Every collector that kept pings, with why (its first reason): `flush` names each. */
  heldBack: Map<string, string>;
}

export interface FlushOptions {
  dir: string;
  /** API key used to resolve monitor slugs recorded in spooled pings. */
  apiKey: string | null;
  /** Deliver to this collector URL instead of the one each ping was recorded for. */
  url?: string;
  /** Only this run (see runKeyOf); all runs when absent. */
  runKey?: string;
  concurrency: number;
}

/** Delivers spooled pings, each run in order, marked late; removes what was delivered or refused for good. */
export async function flushSpool(ctx: DeliveryContext, options: FlushOptions): Promise<FlushReport> {
  const report: FlushReport = { delivered: 0, rejected: [], remaining: 0, lastError: null, heldBack: new Map() };
  let names: string[];
  try {
    names = readdirSync(options.dir);
  } catch {
    return report;
  }
  const runs = planSpoolDelivery(names).filter((files) => options.runKey === undefined || parseSpoolFileName(files[0] ?? '')?.runKey === options.runKey);
  // A collector found unreachable is not tried again in this flush.
  const down = new Set<string>();
  const monitors = new Map<string, Promise<MonitorResolution>>();
  const queue = [...runs];
  const worker = async (): Promise<void> => {
    for (let files = queue.shift(); files !== undefined; files = queue.shift()) {
      await flushRun(ctx, options, files, report, down, monitors);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return report;
}

function holdBack(report: FlushReport, url: string, reason: string, lastError: string): void {
  report.lastError = lastError;
  if (!report.heldBack.has(url)) report.heldBack.set(url, reason);
}

async function flushRun(
  ctx: DeliveryContext,
  options: FlushOptions,
  files: string[],
  report: FlushReport,
  down: Set<string>,
  monitors: Map<string, Promise<MonitorResolution>>,
): Promise<void> {
  const runKey = parseSpoolFileName(files[0] ?? '')?.runKey;
  const release = runKey === undefined ? null : acquireLock(options.dir, runKey);
  if (release === null) {
    report.remaining += files.length;
    return;
  }
  try {
    for (let i = 0; i < files.length; i++) {
      const name = files[i] as string;
      const path = join(options.dir, name);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue; // delivered by someone else meanwhile
      }
      const decoded = decodePingRecord(text);
      if (decoded === null) {
        // Keep unreadable files for inspection, out of the delivery path.
        tryRename(path, join(options.dir, `bad-${name}`));
        continue;
      }
      const record = options.url === undefined ? decoded : { ...decoded, url: options.url };
      if (down.has(record.url) || ctx.deadline.signal.aborted) {
        report.remaining += files.length - i;
        return;
      }
      const key = `${record.url}\n${record.monitor}`;
      let resolution = monitors.get(key);
      if (resolution === undefined) {
        resolution = resolveMonitor(ctx, record.url, record.monitor, options.apiKey);
        monitors.set(key, resolution);
      }
      const monitor = await resolution;
      if (monitor.kind === 'rejected' && !monitor.permanent) {
        // Maybe resolvable later, with the right API key: keep the run.
        holdBack(report, record.url, monitor.message, monitor.message);
        report.remaining += files.length - i;
        return;
      }
      const result: DeliveryResult =
        monitor.kind === 'resolved'
          ? await deliverPing(ctx, record, monitor.id, true)
          : monitor.kind === 'rejected'
            ? { kind: 'rejected', status: 0, code: 'monitor', message: monitor.message }
            : monitor;
      if (result.kind === 'undelivered') {
        if (!ctx.deadline.signal.aborted) down.add(record.url);
        holdBack(report, record.url, result.reason, `${record.url}: ${result.reason}`);
        report.remaining += files.length - i;
        return;
      }
      if (result.kind === 'rejected') {
        const why = result.status === 0 ? result.message : `${result.status} ${result.code}: ${result.message}`;
        report.rejected.push(`${record.action} ping of run ${record.query.run_id ?? '?'} (${why})`);
      } else {
        report.delivered++;
      }
      tryUnlink(path);
    }
  } finally {
    release();
  }
}

// Lock files hold the owner's pid. A lock whose owner is gone (or that is very
// old) is moved aside with rename, which only one contender can win.
function acquireLock(dir: string, runKey: string): (() => void) | null {
  const path = join(dir, `${runKey}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => tryUnlink(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return null;
    }
    if (!isStale(path)) return null;
    tryRename(path, `${path}.stale-${randomBytes(4).toString('hex')}`);
    for (const name of safeReaddir(dir)) if (name.startsWith(`${runKey}.lock.stale-`)) tryUnlink(join(dir, name));
  }
  return null;
}

function isStale(path: string): boolean {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Date.now() - statSync(path).mtimeMs > STALE_LOCK_MS) return true;
    if (!Number.isInteger(pid) || pid <= 0) return true;
    process.kill(pid, 0);
    return false;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ESRCH: owner is gone. ENOENT: the lock vanished; retrying is harmless. EPERM: alive, not ours.
    return code === 'ESRCH' || code === 'ENOENT';
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function tryRename(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch {
    return false;
  }
}
