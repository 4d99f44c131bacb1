// `drumbeats tail`: follows GET /v1/stream (Server-Sent Events) and prints one
// line per ping or run event, or one JSON object per line with --json. When
// the connection drops (collector restart, network) it reconnects with
// backoff and sends the last event id, so the collector replays what
// happened in between. Ctrl-C ends it cleanly with exit 0.

import type { MonitorJson, StreamItemJson } from '../../shared/protocol.ts';
import { callApi, type ClientConfig } from '../api-client.ts';
import { SseParser } from '../core/sse-parser.ts';
import { formatTailLine, reconnectDelay } from '../core/tail-view.ts';
import { CliError, EXIT } from '../errors.ts';
import { openTerminal } from '../terminal.ts';

/** No byte (not even the collector's 15 s keepalive) for this long: the connection is dead. */
const IDLE_TIMEOUT_MS = 45_000;

export interface TailOptions {
  monitor?: string;
  json?: boolean;
}

/** Streams pings and events until Ctrl-C (or SIGTERM). */
export async function tailCommand(client: ClientConfig, opts: TailOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const term = await openTerminal(env);
  // Fails fast, with the usual exit codes, on a wrong URL, key or monitor.
  const names = new Map<string, string>();
  const loadNames = async () => {
    const { monitors } = await callApi<{ monitors: MonitorJson[] }>(client, 'GET', '/v1/monitors');
    for (const m of monitors) names.set(m.id, m.slug);
    return monitors;
  };
  const monitors = await loadNames();
  if (opts.monitor !== undefined && !monitors.some((m) => m.id === opts.monitor || m.slug === opts.monitor)) {
    throw new CliError(`no monitor with id or slug "${opts.monitor}"`, EXIT.notFound);
  }
  let refreshing = false;
  const monitorName = (id: string) => {
    const name = names.get(id);
    if (name !== undefined) return name;
    if (!refreshing) {
      refreshing = true; // a monitor created since we started: learn its slug for the next lines
      void loadNames()
        .catch(() => undefined)
        .finally(() => (refreshing = false));
    }
    return id;
  };

  const note = (text: string) => process.stderr.write(`${term.paintErr.dim(`drumbeats: ${text}`)}\n`);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `drumbeats tail | head` closes our stdout: that is an ordinary way to stop.
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') stop.abort();
  };
  process.stdout.on('error', onStdoutError);

  const query = opts.monitor === undefined ? '' : `?${new URLSearchParams({ monitor: opts.monitor })}`;
  const url = `${client.url.replace(/\/+$/, '')}/v1/stream${query}`;
  let lastEventId: string | null = null;
  let retryMs: number | null = null;
  let attempt = 0;
  let everConnected = false;

  const print = (data: string) => {
    let item: StreamItemJson;
    try {
      item = JSON.parse(data) as StreamItemJson;
    } catch {
      return; // not ours to print
    }
    if (item.type !== 'ping' && item.type !== 'run_event') return;
    process.stdout.write(opts.json ? `${JSON.stringify(item)}\n` : `${formatTailLine(item, monitorName, term.offsetAt, term.paint)}\n`);
  };

  try {
    while (!stop.signal.aborted) {
      const parser = new SseParser((event) => {
        if (event.event === 'ping' || event.event === 'run_event') print(event.data);
      });
      let why: string;
      try {
        why = await follow(url, client.apiKey ?? '', lastEventId, parser, stop.signal, () => {
          if (!everConnected) note(`following ${client.url}${opts.monitor ? ` (monitor ${opts.monitor})` : ''}; Ctrl-C to stop`);
          else note('reconnected; replaying what was missed');
          everConnected = true;
          attempt = 0;
        });
      } catch (error) {
        if (stop.signal.aborted) break;
        if (error instanceof CliError) throw error;
        const cause = (error as { cause?: { code?: string } }).cause;
        why = cause?.code ?? (error as Error).message;
      } finally {
        lastEventId = parser.lastEventId ?? lastEventId;
        retryMs = parser.retryMs ?? retryMs;
      }
      if (stop.signal.aborted) break;
      const delay = reconnectDelay(attempt++, Math.random(), retryMs);
      note(`connection lost (${why}); reconnecting in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay, stop.signal);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.stdout.off('error', onStdoutError);
  }
}

// One connection: resolves with why it ended; throws CliError for what retrying cannot fix.
async function follow(
  url: string,
  apiKey: string,
  lastEventId: string | null,
  parser: SseParser,
  stop: AbortSignal,
  onOpen: () => void,
): Promise<string> {
  const idle = new AbortController();
  const signal = AbortSignal.any([stop, idle.signal]);
  let timer = setTimeout(() => idle.abort(), IDLE_TIMEOUT_MS);
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), IDLE_TIMEOUT_MS);
  };
  try {
    const response = await fetch(url, {
      headers: {
        authorization: `Bearer ${apiKey}`,
        accept: 'text/event-stream',
        ...(lastEventId !== null && { 'last-event-id': lastEventId }),
      },
      signal,
    });
    if (response.status === 401) {
      throw new CliError('the collector refused the API key (check --api-key, DRUMBEATS_API_KEY or `drumbeats login`)', EXIT.unauthorized);
    }
    if (response.status === 404) throw new CliError('the monitor is gone (deleted?) or this collector has no /v1/stream', EXIT.notFound);
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return `HTTP ${response.status}`;
    }
    onOpen();
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        alive();
        parser.push(decoder.decode(value, { stream: true }));
      }
    } catch (error) {
      if (idle.signal.aborted && !stop.aborted) return `no data for ${IDLE_TIMEOUT_MS / 1000} s`;
      throw error;
    }
    return 'the collector closed the stream';
  } catch (error) {
    if (idle.signal.aborted && !stop.aborted) return `no data for ${IDLE_TIMEOUT_MS / 1000} s`;
    throw error;
  } finally {
    clearTimeout(timer);
    parser.reset();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
