// A run's timeline and its unusual gaps, as a pure function of pings.
//
// Each ping is a step; its gap is the time since the previous ping of the same
// run (collector receive times, never client clocks). A step is recognised
// across runs by its message (digits normalised, so "processed 512 rows" and
// "processed 9 rows" are one step) and, when that message has no history, by
// its position among the run's /log pings. A gap is unusual when it is far
// above the median of the same step's gaps in earlier runs of the monitor.

import type { PingKind } from '../../shared/protocol.ts';

/** What the timeline needs of a stored ping. */
export interface TimelinePing {
  kind: PingKind;
  receivedAt: number;
  message: string | null;
  /** Replayed from a spool: its receive time says nothing about the job's pace. */
  late: boolean;
}

export interface GapRule {
  /** A gap is unusual above this multiple of the typical gap... */
  multiplier: number;
  /** ...and at least this many milliseconds above it (ignores 10 ms vs 40 ms). */
  floorMs: number;
  /** Fewer earlier samples than this: show the typical gap but flag nothing. */
  minSamples: number;
}

export const DEFAULT_GAP_RULE: Readonly<GapRule> = Object.freeze({ multiplier: 3, floorMs: 1000, minSamples: 3 });

/** How many earlier runs of the monitor form the baseline. */
export const BASELINE_RUNS = 20;

export type StepBasis = 'message' | 'index';

export interface TimelineStep {
  /** The step's name as shown: "start", "end", a /log message (as sent) or "log #3". */
  step: string;
  offsetMs: number;
  gapMs: number | null;
  typicalGapMs: number | null;
  /** Which history the typical gap comes from, null when there is none. */
  basis: StepBasis | null;
  samples: number;
  unusual: boolean;
}

interface StepKeys {
  byMessage: string | null;
  byIndex: string;
  label: string;
}

/**
 * Builds the timeline of `pings` (arrival order) against the pings of earlier
 * runs of the same monitor. `omittedBefore`: the index in `pings` where pings
 * of the run were left out (a very long run shows its first and last ones);
 * from there on the /log positions are unknown and the first gap is too.
 */
export function buildTimeline(
  pings: readonly TimelinePing[],
  originMs: number,
  history: ReadonlyArray<readonly TimelinePing[]>,
  rule: GapRule = DEFAULT_GAP_RULE,
  omittedBefore: number | null = null,
): TimelineStep[] {
  const samples = collectSamples(history);
  const keys = stepKeysOf(pings, omittedBefore ?? Infinity);
  return pings.map((ping, i) => {
    const key = keys[i]!;
    const previous = i > 0 && i !== omittedBefore ? pings[i - 1]! : null;
    const gapMs = previous ? ping.receivedAt - previous.receivedAt : null;
    const byMessage = key.byMessage === null ? [] : (samples.get(key.byMessage) ?? []);
    const byIndex = samples.get(key.byIndex) ?? [];
    // No gap (the first ping, or the first after left-out ones): nothing to set a typical gap against.
    const [basis, values] = gapMs === null ? ['index' as const, []] : chooseBasis(byMessage, byIndex, rule.minSamples);
    const typicalGapMs = values.length > 0 ? median(values) : null;
    const comparable = gapMs !== null && !ping.late && !previous?.late;
    const unusual =
      comparable &&
      typicalGapMs !== null &&
      values.length >= rule.minSamples &&
      gapMs > typicalGapMs * rule.multiplier &&
      gapMs - typicalGapMs >= rule.floorMs;
    return {
      step: key.label,
      offsetMs: ping.receivedAt - originMs,
      gapMs,
      typicalGapMs,
      basis: values.length > 0 ? basis : null,
      samples: values.length,
      unusual,
    };
  });
}

/** Median of a non-empty list (mean of the middle two for an even count), rounded to whole ms. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const value = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(value);
}

/** The message as a step name: digit runs become "#", whitespace collapses. */
export function normaliseStepMessage(message: string): string {
  return message.replace(/\d+/g, '#').replace(/\s+/g, ' ').trim().slice(0, 200);
}

function stepKeysOf(pings: readonly TimelinePing[], positionsUnknownFrom = Infinity): StepKeys[] {
  let logIndex = 0;
  return pings.map((ping, i) => {
    switch (ping.kind) {
      case 'start':
        return { byMessage: null, byIndex: 'start', label: 'start' };
      case 'success':
      case 'failure':
        return { byMessage: null, byIndex: 'end', label: 'end' };
      case 'log': {
        logIndex += 1;
        const text = ping.message === null ? '' : normaliseStepMessage(ping.message);
        if (i >= positionsUnknownFrom) {
          // After left-out pings the position is unknown: match by message only.
          const label = ping.message === null || ping.message.trim() === '' ? 'log' : ping.message;
          return { byMessage: text === '' ? null : `message:${text}`, byIndex: 'log:unknown', label };
        }
        return {
          byMessage: text === '' ? null : `message:${text}`,
          byIndex: `log:${logIndex}`,
          label: ping.message === null || ping.message.trim() === '' ? `log #${logIndex}` : ping.message,
        };
      }
    }
  });
}

// Gaps of earlier runs, keyed both ways; late pings (spool replays) are left out.
function collectSamples(history: ReadonlyArray<readonly TimelinePing[]>): Map<string, number[]> {
  const samples = new Map<string, number[]>();
  const add = (key: string, gap: number) => {
    const list = samples.get(key);
    if (list) list.push(gap);
    else samples.set(key, [gap]);
  };
  for (const run of history) {
    const keys = stepKeysOf(run);
    for (let i = 1; i < run.length; i++) {
      const ping = run[i]!;
      const previous = run[i - 1]!;
      if (ping.late || previous.late) continue;
      const gap = ping.receivedAt - previous.receivedAt;
      const key = keys[i]!;
      add(key.byIndex, gap);
      if (key.byMessage !== null) add(key.byMessage, gap);
    }
  }
  return samples;
}

// The message history wins when it is enough to judge; otherwise the position's.
function chooseBasis(byMessage: number[], byIndex: number[], minSamples: number): [StepBasis, number[]] {
  if (byMessage.length >= minSamples) return ['message', byMessage];
  if (byIndex.length >= minSamples) return ['index', byIndex];
  return byMessage.length > 0 ? ['message', byMessage] : ['index', byIndex];
}
