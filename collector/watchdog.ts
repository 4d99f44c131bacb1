// The basic-watchdog: one timer for the whole collector, armed for the
// earliest stored deadline. Deadlines live in the store, so a restart loses
// nothing: on start it closes whatever expired while the collector was down.
// Closing is a conditional update per run, so two collectors never both close
// the same run. No per-run timers; nothing runs while nothing is due.

import type { Run } from './core/run-state.ts';
import type { Store } from './store/store.ts';

export interface WatchdogOptions {
  store: Pick<Store, 'expireOverdueRuns' | 'nextDeadline'>;
  clock: () => number;
  /** Called with each run the watchdog closed. */
  onExpired?: (run: Run) => void;
  onError?: (error: unknown) => void;
  /** Upper bound on a single sleep, so another collector's new deadlines are seen eventually. */
  maxSleepMs?: number;
  batchSize?: number;
}

const DEFAULT_MAX_SLEEP_MS = 30_000;
const DEFAULT_BATCH = 1000;

export class Watchdog {
  readonly #opts: WatchdogOptions;
  #timer: NodeJS.Timeout | null = null;
  #wakeAt = Infinity;
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(options: WatchdogOptions) {
    this.#opts = options;
  }

  /** Closes what is already overdue, then sleeps until the next deadline. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.tick();
  }

  /** A new deadline exists: wake up for it if it is earlier than the planned wake-up. */
  notify(deadlineAt: number): void {
    if (this.#stopped || deadlineAt >= this.#wakeAt) return;
    this.#schedule(deadlineAt);
  }

  /** Closes every overdue run now and re-arms the timer. Safe to call concurrently. */
  async tick(): Promise<void> {
    if (this.#running) return this.#running;
    this.#running = this.#sweep().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#wakeAt = Infinity;
    await this.#running;
  }

  async #sweep(): Promise<void> {
    const { store, clock, onExpired, onError } = this.#opts;
    const batch = this.#opts.batchSize ?? DEFAULT_BATCH;
    try {
      for (;;) {
        const closed = await store.expireOverdueRuns(clock(), batch);
        for (const run of closed) onExpired?.(run);
        if (closed.length < batch) break;
      }
      if (this.#stopped) return;
      const next = await store.nextDeadline();
      this.#schedule(next ?? Infinity);
    } catch (error) {
      onError?.(error);
      if (!this.#stopped) this.#schedule(clock() + 1000); // try again shortly
    }
  }

  #schedule(at: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    const maxSleep = this.#opts.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS;
    const delay = Math.min(Math.max(0, at - this.#opts.clock()), maxSleep);
    this.#wakeAt = at === Infinity ? this.#opts.clock() + maxSleep : Math.min(at, this.#opts.clock() + maxSleep);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#wakeAt = Infinity;
      void this.tick();
    }, delay);
    this.#timer.unref();
  }
}
