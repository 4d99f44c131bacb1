// What `drumbeats flush` says about the pings it had to leave in the spool:
// every collector that could not take them, with why, collectors that failed
// the same way named together.

/** "9 left (http://a, http://b: connection refused; http://c: no answer …)"; `fallback` when no collector failed (runs locked by another flush). */
export function describeLeftPings(remaining: number, heldBack: ReadonlyMap<string, string>, fallback: string): string {
  const byReason = new Map<string, string[]>();
  for (const [url, reason] of heldBack) byReason.set(reason, [...(byReason.get(reason) ?? []), url]);
  const groups = [...byReason].map(([reason, urls]) => `${urls.sort().join(', ')}: ${reason}`).sort();
  return `${remaining} left (${groups.length === 0 ? fallback : groups.join('; ')})`;
}
