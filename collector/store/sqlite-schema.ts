// The SQLite schema as an ordered list of migrations: MIGRATIONS[i] takes a
// database from user_version i to i + 1. Append, never edit a released one.
// Times are integer milliseconds since the epoch (UTC), from the collector's
// clock. `pings.seq` and `run_events.id` are global arrival orders.

export const MIGRATIONS: readonly string[] = [
  `
CREATE TABLE IF NOT EXISTS monitors (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  slug            TEXT NOT NULL UNIQUE,
  min_duration_ms INTEGER,
  max_duration_ms INTEGER,
  created_at      INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
  pk             INTEGER PRIMARY KEY,
  monitor_id     TEXT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  run_id         TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('running', 'success', 'failed')),
  failure_reason TEXT,
  signal         TEXT,
  first_seen_at  INTEGER NOT NULL,
  started_at     INTEGER,
  ended_at       INTEGER,
  duration_ms    INTEGER,
  exit_code      INTEGER,
  start_count    INTEGER NOT NULL,
  ping_count     INTEGER NOT NULL,
  last_message   TEXT,
  deadline_at    INTEGER,
  closed_by      TEXT,
  delivered_late INTEGER NOT NULL DEFAULT 0,
  version        INTEGER NOT NULL,
  UNIQUE (monitor_id, run_id)
);
CREATE INDEX IF NOT EXISTS runs_by_monitor_time ON runs (monitor_id, first_seen_at DESC, pk DESC);
CREATE INDEX IF NOT EXISTS runs_by_time ON runs (first_seen_at DESC, pk DESC);
CREATE INDEX IF NOT EXISTS runs_by_run_id ON runs (run_id);
CREATE INDEX IF NOT EXISTS runs_due ON runs (deadline_at) WHERE status = 'running' AND deadline_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS run_events (
  id     INTEGER PRIMARY KEY,
  run_pk INTEGER NOT NULL REFERENCES runs(pk) ON DELETE CASCADE,
  type   TEXT NOT NULL,
  at     INTEGER NOT NULL,
  detail TEXT,
  UNIQUE (run_pk, type)
);

CREATE TABLE IF NOT EXISTS pings (
  seq          INTEGER PRIMARY KEY,
  ping_id      TEXT NOT NULL,
  monitor_id   TEXT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  run_pk       INTEGER NOT NULL REFERENCES runs(pk) ON DELETE CASCADE,
  run_id       TEXT NOT NULL,
  kind         TEXT NOT NULL,
  received_at  INTEGER NOT NULL,
  message      TEXT,
  exit_code    INTEGER,
  duration_ms  INTEGER,
  payload      TEXT,
  payload_size INTEGER NOT NULL,
  truncated    INTEGER NOT NULL,
  content_type TEXT,
  sent_at      TEXT,
  late         INTEGER NOT NULL,
  UNIQUE (monitor_id, ping_id)
);
CREATE INDEX IF NOT EXISTS pings_by_run ON pings (run_pk, seq);
CREATE INDEX IF NOT EXISTS pings_by_monitor_time ON pings (monitor_id, received_at);

CREATE TABLE IF NOT EXISTS settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
];
