// Opening a connection to the store's SQLite file, the same way on every
// thread: WAL (readers never wait for the writer), foreign keys on, and a busy
// timeout for the rare moment two connections want the write lock.

import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';

export type Synchronous = 'full' | 'normal';

/** Opens `file` with the store's pragmas; `synchronous` matters only on the connection that writes. */
export function openConnection(file: string, synchronous: Synchronous): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL fsyncs the WAL at every commit (one per batch); NORMAL survives a
  // crash of the process but not of the machine.
  db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
