// Chart geometry as pure functions: a "nice" axis maximum and the stacked
// heights of one bar. The SVG components only draw what these return.

/** The smallest 1-2-5 step value at or above `max` (at least 1). */
export function niceMax(max: number): number {
  if (max <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= max) return step * magnitude;
  }
  return 10 * magnitude;
}

/** Heights (in px) of stacked segments whose values are `values`, on an axis 0..yMax drawn `height` px tall. */
export function stackHeights(values: readonly number[], yMax: number, height: number): number[] {
  return values.map((v) => (yMax <= 0 ? 0 : (v / yMax) * height));
}

/** Gridline values for an axis 0..yMax: 2 to 5 whole-number steps when yMax allows. */
export function gridValues(yMax: number): number[] {
  const divisions = [4, 5, 2].find((d) => Number.isInteger(yMax / d)) ?? 1;
  return Array.from({ length: divisions + 1 }, (_, i) => (i * yMax) / divisions);
}

/**
 * Which ticks to label when each label needs `minGap` px: day changes first,
 * then hours that do not crowd a label already kept. Input and output are in
 * axis order.
 */
export function spreadTicks<T extends { x: number; major: boolean }>(ticks: readonly T[], minGap: number): T[] {
  const kept: T[] = [];
  for (const pass of [true, false]) {
    for (const tick of ticks) {
      if (tick.major !== pass) continue;
      if (kept.every((k) => Math.abs(k.x - tick.x) >= minGap)) kept.push(tick);
    }
  }
  return kept.sort((a, b) => a.x - b.x);
}

/**
 * The slot the pointer at `x` (px from the plot's left edge) points at. Slots
 * narrower than a pixel or two cannot all be reached with whole-pixel pointer
 * positions (the 30-day range has 1,440 of them), so when the slot under the
 * pointer is empty, the nearest slot with pings within `reachPx` is taken.
 * Null outside the plot.
 */
export function slotAtPointer(x: number, slotPx: number, counts: readonly number[], reachPx = 4): number | null {
  if (counts.length === 0 || x < 0 || x >= slotPx * counts.length) return null;
  const under = Math.min(counts.length - 1, Math.floor(x / slotPx));
  if ((counts[under] ?? 0) > 0) return under;
  let best: number | null = null;
  let bestDistance = Infinity;
  const reach = Math.ceil(reachPx / slotPx);
  for (let i = Math.max(0, under - reach); i <= Math.min(counts.length - 1, under + reach); i++) {
    if ((counts[i] ?? 0) === 0) continue;
    const distance = Math.abs((i + 0.5) * slotPx - x);
    if (distance <= reachPx && distance < bestDistance) [best, bestDistance] = [i, distance];
  }
  return best ?? under;
}
