// The SQLite store's search index is built after pings commit, in batches
// (migration 4): a search still finds every acknowledged ping, the index
// catches up by itself without a search, after a crash, and after rowids of
// a deleted monitor's pings are handed out again.

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, test } from 'vitest';
import { openSqliteStore } from '../collector/store/sqlite-store.ts';
import { builtWriterThread, cleanupTempDirs, makeTempDir } from './helpers/collector.ts';
import { incomingPing } from './helpers/pings.ts';

afterAll(cleanupTempDirs);

const T0 = Date.parse('2026-03-01T12:00:00Z');

/** What the index itself holds, read on a connection of its own (no catch-up). */
function indexed(file: string, word: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM ping_search WHERE ping_search MATCH ?').get(word) as { n: number }).n;
  } finally {
    db.close();
  }
}

function integrityCheck(file: string): void {
  const db = new Database(file);
  try {
    // Throws SQLITE_CORRUPT_VTAB when the index and the pings disagree.
    db.prepare(`INSERT INTO ping_search (ping_search) VALUES ('integrity-check')`).run();
  } finally {
    db.close();
  }
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

describe.each([
  ['inline', false],
  ['writer thread', true],
] as const)('%s', (_mode, threaded) => {
  const open = (file: string) => openSqliteStore(file, threaded ? { writerThread: builtWriterThread() } : {});

  test('a search right after the ping finds it; without a search the index catches up by itself', async () => {
    const file = join(makeTempDir(), 'drumbeats.sqlite');
    const store = open(file);
    const monitor = await store.createMonitor({ name: 'Job', slug: 'job', minDurationMs: null, maxDurationMs: null }, T0);
    await store.recordPing(incomingPing(monitor, 'start', 'r1', { payload: 'tangerine report' }), T0);
    await store.recordPing(incomingPing(monitor, 'log', 'r1', { message: 'copied the marmalade' }), T0 + 1);
    expect((await store.searchPings({ terms: ['tangerine'] }, 10)).map((p) => p.runId)).toEqual(['r1']);

    await store.recordPing(incomingPing(monitor, 'success', 'r1', { payload: 'quince' }), T0 + 2);
    await until(() => indexed(file, 'quince') === 1); // within the indexer's delay, no search asked
    expect(indexed(file, 'marmalade')).toBe(1);
    integrityCheck(file);
    await store.close();
  });

  test('pings left unindexed by a crash are indexed when the store opens again', async () => {
    const file = join(makeTempDir(), 'drumbeats.sqlite');
    const first = open(file);
    const monitor = await first.createMonitor({ name: 'Job', slug: 'job', minDurationMs: null, maxDurationMs: null }, T0);
    await first.recordPing(incomingPing(monitor, 'start', 'r1', { payload: 'persimmon' }), T0);
    // A crash: the first store is never closed, so it never indexed what it committed.
    const second = open(file);
    await until(() => indexed(file, 'persimmon') === 1);
    integrityCheck(file);
    await second.close();
  });

  test('after deleting the monitor with the newest pings, reused rowids are indexed and the index stays sound', async () => {
    const file = join(makeTempDir(), 'drumbeats.sqlite');
    const store = open(file);
    const keep = await store.createMonitor({ name: 'Keep', slug: 'keep', minDurationMs: null, maxDurationMs: null }, T0);
    const gone = await store.createMonitor({ name: 'Gone', slug: 'gone', minDurationMs: null, maxDurationMs: null }, T0);
    await store.recordPing(incomingPing(keep, 'start', 'k1', { payload: 'apricot' }), T0);
    for (let i = 0; i < 3; i++) await store.recordPing(incomingPing(gone, 'log', 'g1', { message: `fig ${i}` }), T0 + i);
    expect(await store.searchPings({ terms: ['fig'] }, 10)).toHaveLength(3); // all indexed now
    await store.deleteMonitor(gone.id);

    // These get the rowids the deleted pings had.
    for (let i = 0; i < 3; i++) await store.recordPing(incomingPing(keep, 'log', 'k1', { message: `plum ${i}` }), T0 + 10 + i);
    expect((await store.searchPings({ terms: ['plum'] }, 10)).map((p) => p.message).sort()).toEqual(['plum 0', 'plum 1', 'plum 2']);
    expect(await store.searchPings({ terms: ['fig'] }, 10)).toEqual([]);
    await store.deleteMonitor(keep.id); // deletes indexed rows through the trigger: must not corrupt
    integrityCheck(file);
    await store.close();
  });
});
