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
  -- A client's ping_id identifies one ping of one run: replays are stored once,
  -- and the same id in another run (e.g. a step name) is another ping.
  UNIQUE (monitor_id, run_id, ping_id)
);
CREATE INDEX IF NOT EXISTS pings_by_run ON pings (run_pk, seq);
CREATE INDEX IF NOT EXISTS pings_by_monitor_time ON pings (monitor_id, received_at);

CREATE TABLE IF NOT EXISTS settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  // 2: dashboard. A per-monitor 30-minute pre-aggregate of pings, kept up to
  // date in the same transaction as each ping (one upsert), so analytics over
  // millions of pings read at most 1,440 rows per monitor and month. And a
  // full-text index over messages and payload bodies, maintained by triggers
  // (one FTS insert per ping that has text; pings are never updated).
  // Backfill approximates outcomes of existing pings from kind and exit code.
  `
CREATE TABLE IF NOT EXISTS ping_buckets (
  monitor_id      TEXT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  bucket_start    INTEGER NOT NULL,
  starts          INTEGER NOT NULL DEFAULT 0,
  logs            INTEGER NOT NULL DEFAULT 0,
  successes       INTEGER NOT NULL DEFAULT 0,
  failures        INTEGER NOT NULL DEFAULT 0,
  auto_failed     INTEGER NOT NULL DEFAULT 0,
  duration_sum_ms INTEGER NOT NULL DEFAULT 0,
  duration_count  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (monitor_id, bucket_start)
) WITHOUT ROWID;

INSERT INTO ping_buckets (monitor_id, bucket_start, starts, logs, successes, failures, duration_sum_ms, duration_count)
SELECT p.monitor_id, p.received_at - (p.received_at % 1800000),
  SUM(p.kind = 'start'),
  SUM(p.kind = 'log'),
  SUM(p.kind = 'success' AND COALESCE(p.exit_code, 0) = 0),
  SUM(p.kind = 'failure' OR (p.kind = 'success' AND COALESCE(p.exit_code, 0) <> 0)),
  COALESCE(SUM(r.duration_ms), 0),
  COUNT(r.duration_ms)
FROM pings p
LEFT JOIN runs r ON r.pk = p.run_pk AND p.kind IN ('success', 'failure') AND r.closed_by = 'ping'
  AND r.ended_at = p.received_at
GROUP BY 1, 2;

INSERT INTO ping_buckets (monitor_id, bucket_start, auto_failed)
SELECT monitor_id, ended_at - (ended_at % 1800000), COUNT(*) FROM runs
WHERE closed_by = 'watchdog' AND ended_at IS NOT NULL GROUP BY 1, 2
ON CONFLICT (monitor_id, bucket_start) DO UPDATE SET auto_failed = auto_failed + excluded.auto_failed;

CREATE VIRTUAL TABLE IF NOT EXISTS ping_search USING fts5(
  message, payload, content = 'pings', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO ping_search (rowid, message, payload)
SELECT seq, message, payload FROM pings WHERE message IS NOT NULL OR payload IS NOT NULL;

CREATE TRIGGER IF NOT EXISTS pings_search_insert AFTER INSERT ON pings
WHEN NEW.message IS NOT NULL OR NEW.payload IS NOT NULL BEGIN
  INSERT INTO ping_search (rowid, message, payload) VALUES (NEW.seq, NEW.message, NEW.payload);
END;
CREATE TRIGGER IF NOT EXISTS pings_search_delete AFTER DELETE ON pings
WHEN OLD.message IS NOT NULL OR OLD.payload IS NOT NULL BEGIN
  INSERT INTO ping_search (ping_search, rowid, message, payload) VALUES ('delete', OLD.seq, OLD.message, OLD.payload);
END;
`,
  // 3: runs still open, per monitor, without scanning the finished ones
  // (runs ls --status running, the dashboard's "running now").
  `
CREATE INDEX IF NOT EXISTS runs_running_by_monitor ON runs (monitor_id, first_seen_at DESC, pk DESC)
  WHERE status = 'running';
`,
  // 4: the search index leaves the ping's transaction. Indexing a body cost
  // more than storing the ping, and FTS5 indexes hundreds of documents per
  // transaction at about half the cost per document of a dozen. The writer
  // now indexes committed pings in batches (sqlite-writer.ts), and every
  // search first has it catch up, so a search still sees every acknowledged
  // ping. search_progress.indexed_seq: every ping up to it is indexed.
  `
DROP TRIGGER IF EXISTS pings_search_insert;
CREATE TABLE IF NOT EXISTS search_progress (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_seq INTEGER NOT NULL
);
INSERT INTO search_progress (id, indexed_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM pings;
-- Only what was indexed may be deleted from the index: FTS5 'delete' of a row
-- it never saw would corrupt it.
DROP TRIGGER IF EXISTS pings_search_delete;
CREATE TRIGGER IF NOT EXISTS pings_search_delete AFTER DELETE ON pings
WHEN (OLD.message IS NOT NULL OR OLD.payload IS NOT NULL)
  AND OLD.seq <= (SELECT indexed_seq FROM search_progress WHERE id = 1) BEGIN
  INSERT INTO ping_search (ping_search, rowid, message, payload) VALUES ('delete', OLD.seq, OLD.message, OLD.payload);
END;
`,
];
