// The hot-path commands must never linger after their work is done. Every
// socket and timer is closed explicitly; this guard covers what cannot be
// cancelled (a DNS lookup in libuv's thread pool keeps the loop alive until
// the resolver gives up).

/** Exits with the already-set process.exitCode if the event loop is still busy `ms` from now. */
export function exitIfStillRunningIn(ms: number): void {
  setTimeout(() => process.exit(), ms).unref();
}
