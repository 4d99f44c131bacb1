// Ping history: every ping with its payload, newest first; full-text search
// over payload bodies and messages, kind and time filters, older pages on
// demand, and a CSV export of exactly this filter. Payloads are rendered as
// text nodes, never as HTML.

import { useState } from 'preact/hooks';
import { PING_KINDS, type PingHistoryJson, type PingJson } from '../../../shared/protocol.ts';
import { api, query } from '../api.ts';
import { formatDateTime, formatDuration, parseLocalInput } from '../core/time.ts';
import { href } from '../router.ts';
import { useData } from '../use-data.ts';

interface Filter {
  q: string;
  kind: string;
  since: string;
  until: string;
}

const EMPTY: Filter = { q: '', kind: '', since: '', until: '' };
const PAGE = 50;

/** The searchable, filterable ping list of one monitor, with its CSV link. */
export function PingHistory({ monitorId }: { monitorId: string }) {
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [older, setOlder] = useState<{ pings: PingJson[]; cursor: string | null } | null>(null);

  const params = {
    monitor: monitorId,
    q: filter.q.trim() || undefined,
    kind: filter.kind || undefined,
    since: toIso(filter.since),
    until: toIso(filter.until),
  };
  const key = JSON.stringify(params);
  const data = useData(key, () => api<PingHistoryJson>('GET', `/v1/pings/history${query({ ...params, limit: PAGE })}`));
  const first = data.value;
  const pings = [...(first?.pings ?? []), ...(older?.pings ?? [])];
  const cursor = older ? older.cursor : (first?.next_cursor ?? null);

  const apply = (event: Event) => {
    event.preventDefault();
    setOlder(null);
    setFilter(draft);
  };
  const loadMore = async () => {
    if (!cursor) return;
    const next = await api<PingHistoryJson>('GET', `/v1/pings/history${query({ ...params, limit: PAGE, cursor })}`);
    setOlder({ pings: [...(older?.pings ?? []), ...next.pings], cursor: next.next_cursor });
  };
  const set = (field: keyof Filter) => (e: Event) => setDraft({ ...draft, [field]: (e.target as HTMLInputElement).value });

  return (
    <div class="history">
      <form class="filters" onSubmit={apply} role="search">
        <input
          type="search"
          placeholder="Search payloads and messages…"
          aria-label="Search payloads and messages"
          value={draft.q}
          onInput={set('q')}
          class="grow"
        />
        <select aria-label="Kind" value={draft.kind} onChange={set('kind')}>
          <option value="">All kinds</option>
          {PING_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <label class="inline">
          From <input type="datetime-local" aria-label="From" value={draft.since} onInput={set('since')} />
        </label>
        <label class="inline">
          To <input type="datetime-local" aria-label="To" value={draft.until} onInput={set('until')} />
        </label>
        <button type="submit">Apply</button>
        <a class="button secondary" href={`/v1/pings/export.csv${query(params)}`} download data-testid="export-csv">
          Export CSV
        </a>
      </form>
      {data.error && <p class="error">{data.error}</p>}
      {first && pings.length === 0 && (
        <p class="empty">{params.q || params.kind || params.since || params.until ? 'No pings match these filters.' : 'No pings yet.'}</p>
      )}
      {pings.length > 0 && (
        <table class="pings" data-testid="ping-history">
          <thead>
            <tr>
              <th>Received</th>
              <th>Kind</th>
              <th>Run</th>
              <th>Message / payload</th>
            </tr>
          </thead>
          <tbody>
            {pings.map((p) => (
              <PingRow key={`${p.monitor_id}/${p.ping_id}`} ping={p} />
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" class="secondary more" onClick={loadMore}>
          Older pings
        </button>
      )}
    </div>
  );
}

function PingRow({ ping }: { ping: PingJson }) {
  return (
    <tr class="ping-row" data-kind={ping.kind}>
      <td class="nowrap">{formatDateTime(Date.parse(ping.received_at))}</td>
      <td>
        <span class={`kind kind-${ping.kind}`}>{ping.kind}</span>
        {ping.exit_code !== null && <span class="muted small"> exit {ping.exit_code}</span>}
      </td>
      <td class="mono small">
        <a href={href({ view: 'run', monitorId: ping.monitor_id, runId: ping.run_id })}>{ping.run_id}</a>
      </td>
      <td class="payload-cell">
        {ping.message !== null && <div class="message">{ping.message}</div>}
        {ping.payload !== null && <pre class="payload">{ping.payload}</pre>}
        <div class="muted small">
          {ping.payload_size > 0 && `${ping.payload_size} bytes${ping.truncated ? ' (truncated)' : ''}`}
          {ping.content_type && ` · ${ping.content_type}`}
          {ping.duration_ms !== null && ` · ${formatDuration(ping.duration_ms)}`}
          {ping.late && ' · delivered late'}
        </div>
      </td>
    </tr>
  );
}

function toIso(local: string): string | undefined {
  const ms = parseLocalInput(local);
  return ms === null ? undefined : new Date(ms).toISOString();
}
