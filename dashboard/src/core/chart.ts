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

/** Gridline values for an axis 0..yMax: four steps. */
export function gridValues(yMax: number): number[] {
  return [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax);
}
