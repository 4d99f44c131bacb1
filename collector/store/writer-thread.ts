// The store's writer thread: owns the write connection and commits what the
// main thread sends. Messages that arrive in the same turn of this thread's
// event loop are committed together, so while one commit (and its fsync) runs,
// the next batch gathers. Built to dist/writer-thread.js.

import { parentPort, workerData } from 'node:worker_threads';
import { openConnection, type Synchronous } from './sqlite-connection.ts';
import { SqliteWriter, type WriteOp, type WriteOutcome } from './sqlite-writer.ts';

/** Main thread to writer: a batch of ops under an id, or the request to close. */
export type WriterRequest = { type: 'batch'; id: number; ops: WriteOp[] } | { type: 'close' };
/** Writer to main thread: the outcomes of batch `id`, in order. */
export interface WriterReply {
  id: number;
  outcomes: WriteOutcome[];
}
export interface WriterData {
  file: string;
  synchronous: Synchronous;
}

const port = parentPort;
if (port) {
  const { file, synchronous } = workerData as WriterData;
  const db = openConnection(file, synchronous);
  const writer = new SqliteWriter(db);
  let pending: Array<{ id: number; ops: WriteOp[] }> = [];
  let scheduled = false;
  let indexTimer: NodeJS.Timeout | null = null;

  // Search indexing runs between batches, after their replies are on their way.
  const indexWhenDue = () => {
    if (indexTimer) clearTimeout(indexTimer);
    indexTimer = null;
    const wait = writer.indexSearchWhenDue(Date.now());
    if (wait !== null) indexTimer = setTimeout(indexWhenDue, wait);
  };
  indexWhenDue();

  const flush = () => {
    scheduled = false;
    const batches = pending;
    pending = [];
    const outcomes = writer.commit(batches.flatMap((b) => b.ops));
    let at = 0;
    for (const { id, ops } of batches) {
      port.postMessage({ id, outcomes: outcomes.slice(at, at + ops.length) } satisfies WriterReply);
      at += ops.length;
    }
    indexWhenDue();
  };

  port.on('message', (message: WriterRequest) => {
    if (message.type === 'close') {
      if (pending.length > 0) flush();
      if (indexTimer) clearTimeout(indexTimer);
      writer.commit([{ type: 'indexSearch' }]);
      db.close();
      port.close();
      return;
    }
    pending.push(message);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
}
