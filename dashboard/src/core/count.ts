// Counts as people read them: digits grouped ("12,641") and the noun in the
// right number ("1 run", "2 runs").

/** "1 run", "0 runs", "12,641 pings"; `plural` defaults to the noun plus "s". */
export function formatCount(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}
