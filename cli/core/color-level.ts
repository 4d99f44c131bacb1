// Whether and how much to colour, decided once from the environment and the
// stream: FORCE_COLOR forces (0/false turns it off), NO_COLOR turns it off,
// otherwise colour only on a terminal that is not "dumb". Pure.

export type ColorLevel = 0 | 1 | 2 | 3;

/** The chalk level for a stream, given the environment and whether the stream is a TTY. */
export function resolveColorLevel(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): ColorLevel {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '' || force === 'true') return 1;
    const n = Number.parseInt(force, 10);
    return Number.isInteger(n) && n >= 1 ? (Math.min(n, 3) as ColorLevel) : 1;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!isTTY || env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (/-256(color)?$/i.test(env.TERM ?? '')) return 2;
  return 1;
}
