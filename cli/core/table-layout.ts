// Column widths that fit a terminal: natural widths when they fit, otherwise
// the widest columns give way first (down to a minimum) and wrap. Pure.

/** cli-table3 chrome per table: a border per column plus one, and one space of padding each side. */
export function tableChrome(columns: number): number {
  return columns + 1 + 2 * columns;
}

/** Content widths (without padding) for columns of `natural` widths within `available` cells. */
export function fitColumns(natural: readonly number[], available: number, minWidth = 6): number[] {
  const total = natural.reduce((a, b) => a + b, 0);
  if (total <= available) return [...natural];
  // Find the largest cap such that min(natural, cap) over all columns fits.
  const floorOf = (w: number) => Math.min(w, minWidth);
  let low = 0;
  let high = Math.max(...natural);
  while (low < high) {
    const cap = Math.ceil((low + high) / 2);
    const used = natural.reduce((sum, w) => sum + Math.max(floorOf(w), Math.min(w, cap)), 0);
    if (used <= available) low = cap;
    else high = cap - 1;
  }
  const widths = natural.map((w) => Math.max(floorOf(w), Math.min(w, low)));
  // Hand out what the cap left over, one cell at a time, to the columns it cut.
  let spare = available - widths.reduce((a, b) => a + b, 0);
  for (let i = 0; spare > 0 && i < widths.length; i++) {
    if (widths[i]! < natural[i]!) {
      widths[i]! += 1;
      spare -= 1;
    }
  }
  return widths;
}
