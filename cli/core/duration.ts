// Parses human durations given on the command line (`90s`, `15m`, `1h30m`,
// `2.5s`, `500ms`, a bare number of seconds like timeout(1)) into milliseconds.

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)/y;
const BARE = /^(\d+(?:\.\d+)?|\.\d+)$/;
/** Durations above this are refused: setTimeout cannot wait longer (about 24.8 days). */
export const MAX_DURATION_MS = 2_147_483_647;

/** Parses a duration; returns milliseconds (rounded up to a whole ms) or an error message. */
export function parseDuration(text: string): { ms: number } | { error: string } {
  const input = text.trim();
  let total = 0;
  if (BARE.test(input)) {
    total = Number(input) * 1000;
  } else {
    PART.lastIndex = 0;
    let matched = 0;
    let count = 0;
    while (matched < input.length) {
      PART.lastIndex = matched;
      const m = PART.exec(input);
      if (m === null) break;
      total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
      matched = PART.lastIndex;
      count++;
    }
    if (count === 0 || matched !== input.length) {
      return { error: `invalid duration "${text}": use a number with a unit, e.g. 90s, 15m, 1h30m, 500ms` };
    }
  }
  const ms = Math.ceil(total);
  if (!Number.isFinite(ms) || ms > MAX_DURATION_MS) return { error: `duration "${text}" is too long (max 24 days)` };
  return { ms };
}

/** Parses a byte size (`10240`, `10k`, `10KB`, `4KiB`) into bytes, or an error message. */
export function parseByteSize(text: string): { bytes: number } | { error: string } {
  const m = /^(\d+)\s*(b|k|kb|kib)?$/i.exec(text.trim());
  if (m === null) return { error: `invalid size "${text}": use bytes or KB, e.g. 4096 or 8KB` };
  const unit = (m[2] ?? 'b').toLowerCase();
  const bytes = Number(m[1]) * (unit === 'b' ? 1 : 1024);
  if (!Number.isSafeInteger(bytes)) return { error: `size "${text}" is too large` };
  return { bytes };
}
