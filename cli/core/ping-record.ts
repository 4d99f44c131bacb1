// A ping as the wrapper keeps it until delivered: what to send, where, and
// when it was made. The same record goes over the wire live and, if that
// fails, into the spool as one JSON file whose name sorts in send order.

import type { PingQuery } from '../../shared/protocol.ts';
import type { PingAction } from './ping-options.ts';

export interface PingRecord {
  v: 1;
  /** Collector base URL, without trailing slash. */
  url: string;
  /** Monitor id, or a slug still to be resolved. */
  monitor: string;
  action: PingAction;
  /** Query as first sent: run_id, ping_id, sent_at and duration_ms never change on replay. */
  query: PingQuery;
  /** POST body (UTF-8 text), identical on every attempt. */
  body: string | null;
  /** Wall-clock creation time and per-process sequence: the spool's send order. */
  createdMs: number;
  seq: number;
}

const QUERY_KEYS: readonly (keyof PingQuery)[] = ['run_id', 'ping_id', 'message', 'exit_code', 'duration_ms', 'reason', 'signal', 'sent_at', 'late'];
const FILE_NAME = /^(\d{15})-(\d{8})-([0-9a-f]{16})-([A-Za-z0-9_-]{1,64})\.json$/;
const ACTIONS: readonly string[] = ['start', 'log', 'success', 'failure'];

/** Path and query of a ping (to append to the collector URL); `late` marks a replay from the spool. */
export function pingPath(monitorId: string, record: PingRecord, late: boolean): string {
  const query: PingQuery = late ? { ...record.query, late: '1' } : record.query;
  const params = QUERY_KEYS.flatMap((key) => {
    const value = query[key];
    return value === undefined ? [] : [`${key}=${encodeURIComponent(value)}`];
  });
  return `/v1/ping/${encodeURIComponent(monitorId)}/${record.action}${params.length > 0 ? `?${params.join('&')}` : ''}`;
}

/** Stable 16-hex-digit key of a run (collector, monitor, run id), used in spool file names. */
export function runKeyOf(url: string, monitor: string, runId: string): string {
  const text = `${url}\n${monitor}\n${runId}`;
  return fnv1a(text, 0x811c9dc5) + fnv1a(text, 0x050c5d1f);
}

/** File name of a spooled ping: sorts by creation time, then sequence; carries the run key. */
export function spoolFileName(record: PingRecord): string {
  const created = String(Math.max(0, Math.floor(record.createdMs))).padStart(15, '0');
  const seq = String(record.seq % 100_000_000).padStart(8, '0');
  return `${created}-${seq}-${runKeyOf(record.url, record.monitor, record.query.run_id ?? '')}-${record.query.ping_id ?? 'none'}.json`;
}

/** Reads a spool file name; null for anything else in the directory (temp files, locks). */
export function parseSpoolFileName(name: string): { runKey: string; sortKey: string } | null {
  const m = FILE_NAME.exec(name);
  if (m === null) return null;
  return { runKey: m[3] as string, sortKey: `${m[1]}-${m[2]}` };
}

/** Groups spool file names by run, each run's files in send order; runs oldest first. */
export function planSpoolDelivery(names: readonly string[]): string[][] {
  const runs = new Map<string, Array<{ name: string; sortKey: string }>>();
  for (const name of names) {
    const parsed = parseSpoolFileName(name);
    if (parsed === null) continue;
    const list = runs.get(parsed.runKey) ?? [];
    list.push({ name, sortKey: parsed.sortKey });
    runs.set(parsed.runKey, list);
  }
  const ordered = [...runs.values()].map((list) => list.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0)));
  ordered.sort((a, b) => ((a[0]?.sortKey ?? '') < (b[0]?.sortKey ?? '') ? -1 : 1));
  return ordered.map((list) => list.map((f) => f.name));
}

/** Serialises a record for the spool. */
export function encodePingRecord(record: PingRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Reads a spooled record back; null when the file is not a valid record. */
export function decodePingRecord(text: string): PingRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  if (r.v !== 1 || typeof r.url !== 'string' || typeof r.monitor !== 'string' || typeof r.action !== 'string') return null;
  if (!ACTIONS.includes(r.action) || typeof r.query !== 'object' || r.query === null) return null;
  if (!(r.body === null || typeof r.body === 'string') || typeof r.createdMs !== 'number' || typeof r.seq !== 'number') return null;
  const query = r.query as Record<string, unknown>;
  if (!Object.values(query).every((v) => typeof v === 'string')) return null;
  return value as PingRecord;
}

function fnv1a(text: string, seed: number): string {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
