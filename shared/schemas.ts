// JSON Schemas (TypeBox) for what the management API accepts. The collector
// validates requests with them; clients type their calls with the derived
// types. Kept apart from ./protocol.ts so the lean `drumbeats run` path never
// loads TypeBox.

import { Type, type Static } from '@sinclair/typebox';
import { MAX_THRESHOLD_SECONDS, MONITOR_NAME_MAX_CHARS, MONITOR_NAME_PATTERN, PING_KINDS, RUN_ID_MAX_CHARS, RUN_STATUSES } from './protocol.ts';

export { MAX_THRESHOLD_SECONDS };

/** What a `pattern` of these schemas means, for validation errors a person can act on (keyed by pattern source). */
export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [MONITOR_NAME_PATTERN.source]: 'must not be blank or contain control characters (tabs, newlines)',
};

// One `type: [number, null]`, not a union: the collector's validator coerces types, and in a union
// whichever branch comes first wins by coercion (null read as 0, or 0 read as null).
const Seconds = Type.Unsafe<number | null>({ type: ['number', 'null'], minimum: 0, maximum: MAX_THRESHOLD_SECONDS });

export const MonitorCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: MONITOR_NAME_MAX_CHARS, pattern: MONITOR_NAME_PATTERN.source }),
    slug: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    min_duration_seconds: Type.Optional(Seconds),
    max_duration_seconds: Type.Optional(Seconds),
  },
  { additionalProperties: false },
);
export type MonitorCreateBody = Static<typeof MonitorCreateBody>;

export const MonitorUpdateBody = Type.Partial(MonitorCreateBody, { additionalProperties: false });
export type MonitorUpdateBody = Static<typeof MonitorUpdateBody>;

export const RunListQuery = Type.Object({
  monitor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  status: Type.Optional(Type.Union(RUN_STATUSES.map((s) => Type.Literal(s)))),
  run_id: Type.Optional(Type.String({ minLength: 1, maxLength: RUN_ID_MAX_CHARS })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  before: Type.Optional(Type.String({ format: 'date-time' })),
  /** `next_cursor` of the previous page. */
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
});
export type RunListQuery = Static<typeof RunListQuery>;

export const RunShowQuery = Type.Object({
  monitor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export type RunShowQuery = Static<typeof RunShowQuery>;

/** `GET /v1/run`: the run id in the query, where "." and ".." survive URL normalisation. */
export const RunLookupQuery = Type.Object({
  run_id: Type.String({ minLength: 1, maxLength: 128 }),
  monitor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export type RunLookupQuery = Static<typeof RunLookupQuery>;

export const MonitorStatsQuery = Type.Object({
  /** How many of the latest runs to summarise. */
  runs: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  buckets: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
});
export type MonitorStatsQuery = Static<typeof MonitorStatsQuery>;

export const StreamQuery = Type.Object({
  monitor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  /** Resume after this cursor when the client cannot send a Last-Event-ID header. */
  last_event_id: Type.Optional(Type.String({ maxLength: 40 })),
});
export type StreamQuery = Static<typeof StreamQuery>;

export const PingListQuery = Type.Object({
  monitor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  run_id: Type.Optional(Type.String({ minLength: 1, maxLength: RUN_ID_MAX_CHARS })),
  kind: Type.Optional(Type.Union(PING_KINDS.map((k) => Type.Literal(k)))),
  after: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
export type PingListQuery = Static<typeof PingListQuery>;

// ---- dashboard, analytics, ping history, export (issue 6) ----------------

export const AnalyticsQuery = Type.Object({
  range: Type.Optional(Type.Union([Type.Literal('24h'), Type.Literal('7d'), Type.Literal('30d')])),
  /** End of the range (default: now). */
  end: Type.Optional(Type.String({ format: 'date-time' })),
});
export type AnalyticsQuery = Static<typeof AnalyticsQuery>;

const pingFilterFields = {
  monitor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  kind: Type.Optional(Type.Union(PING_KINDS.map((k) => Type.Literal(k)))),
  /** Only pings received at or after this time. */
  since: Type.Optional(Type.String({ format: 'date-time' })),
  /** Only pings received strictly before this time. */
  until: Type.Optional(Type.String({ format: 'date-time' })),
  /** Full-text search over messages and payload bodies (words, prefix-matched). */
  q: Type.Optional(Type.String({ maxLength: 500 })),
};

export const PingHistoryQuery = Type.Object({
  ...pingFilterFields,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]+\\.[0-9]+$', maxLength: 40 })),
});
export type PingHistoryQuery = Static<typeof PingHistoryQuery>;

export const PingExportQuery = Type.Object(pingFilterFields);
export type PingExportQuery = Static<typeof PingExportQuery>;

export const LoginBody = Type.Object(
  { secret: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;
