// The collector's in-process change signal for live streams. The ping route
// and the watchdog call notify() after the store has committed; each stream
// connection then reads what is new from the store after its own cursor. So
// the stream never shows what is not durable, a reconnecting client is
// replayed from the same store, and with nobody listening notify() is one
// size check on the hot path.

export interface FeedListener {
  /** Something was committed: read the store after your cursor. */
  wake(): void;
  /** The collector is shutting down: end the connection. */
  end(): void;
}

export interface LiveFeedOptions {
  /**
   * While someone listens, wake listeners this often even without a notify:
   * catches writes by another collector sharing the database. 0 disables.
   */
  pollMs?: number;
}

const DEFAULT_POLL_MS = 2000;

export class LiveFeed {
  readonly #listeners = new Set<FeedListener>();
  readonly #pollMs: number;
  #poll: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: LiveFeedOptions = {}) {
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  /** Number of connected listeners. */
  get size(): number {
    return this.#listeners.size;
  }

  /** Called after every commit that others may want to see. Cheap when nobody listens. */
  notify(): void {
    if (this.#listeners.size === 0) return;
    for (const listener of this.#listeners) listener.wake();
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: FeedListener): () => void {
    if (this.#closed) {
      listener.end();
      return () => undefined;
    }
    this.#listeners.add(listener);
    if (this.#poll === null && this.#pollMs > 0) {
      this.#poll = setInterval(() => this.notify(), this.#pollMs);
      this.#poll.unref();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#poll !== null) {
        clearInterval(this.#poll);
        this.#poll = null;
      }
    };
  }

  /** Ends every listener and refuses new ones (collector shutdown). */
  close(): void {
    this.#closed = true;
    if (this.#poll !== null) clearInterval(this.#poll);
    this.#poll = null;
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of listeners) listener.end();
  }
}
