// `drumbeats export`: the pings a filter selects, as CSV, streamed from the
// collector to stdout (or --output) without holding them in memory.

import { createWriteStream, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ErrorBody } from '../../shared/protocol.ts';
import type { ClientConfig } from '../api-client.ts';
import { describeFetchError } from '../core/fetch-error.ts';
import { parseTimeInput } from '../core/time-input.ts';
import { CliError, EXIT } from '../errors.ts';

export interface ExportOptions {
  monitor?: string;
  since?: string;
  until?: string;
  kind?: string;
  q?: string;
  output?: string;
}

/** Streams GET /v1/pings/export.csv for the filter in `opts`. */
export async function exportCommand(client: ClientConfig, opts: ExportOptions): Promise<void> {
  if (!client.apiKey) {
    throw new CliError('no API key: pass --api-key, set DRUMBEATS_API_KEY or run `drumbeats login`', EXIT.usage);
  }
  const now = Date.now();
  const offset = -new Date(now).getTimezoneOffset();
  const query = new URLSearchParams();
  if (opts.monitor !== undefined) query.set('monitor', opts.monitor);
  if (opts.kind !== undefined) query.set('kind', opts.kind);
  if (opts.q !== undefined) query.set('q', opts.q);
  if (opts.since !== undefined) query.set('since', toIso('--since', opts.since, now, offset));
  if (opts.until !== undefined) query.set('until', toIso('--until', opts.until, now, offset));
  const url = `${client.url.replace(/\/+$/, '')}/v1/pings/export.csv${query.size > 0 ? `?${query}` : ''}`;
  // Before asking the collector: a mistyped directory should not cost a whole export.
  if (opts.output !== undefined) checkOutputDirectory(opts.output);

  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${client.apiKey}` } });
  } catch (error) {
    throw new CliError(`cannot reach the collector at ${client.url} (${describeFetchError(error)}): is it running?`, EXIT.unreachable);
  }
  if (!response.ok || !response.body) {
    const text = await response.text();
    let message = `HTTP ${response.status}`;
    try {
      message = (JSON.parse(text) as ErrorBody).error.message;
    } catch {
      // not our error envelope: keep the status
    }
    if (response.status === 401) throw new CliError(`${message} (check --api-key or DRUMBEATS_API_KEY)`, EXIT.unauthorized);
    if (response.status === 404) throw new CliError(message, EXIT.notFound);
    throw new CliError(message, response.status === 400 ? EXIT.usage : EXIT.failure);
  }

  const source = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  const target = opts.output === undefined ? process.stdout : createWriteStream(opts.output);
  try {
    // pipeline() waits for the slower side: the collector is read only as fast as we can write.
    await pipeline(source, target, { end: opts.output !== undefined });
  } catch (error) {
    // `drumbeats export | head` closes our stdout early: that is not a failure.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
    if (opts.output !== undefined && (error as NodeJS.ErrnoException).syscall !== undefined) throw outputError(opts.output, error as NodeJS.ErrnoException);
    throw new CliError(`export interrupted: ${(error as Error).message}`);
  }
}

function checkOutputDirectory(output: string): void {
  const dir = dirname(resolve(output));
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new CliError(`cannot write ${output}: the directory ${dir} does not exist`, EXIT.usage);
  }
  if (!isDirectory) throw new CliError(`cannot write ${output}: ${dir} is not a directory`, EXIT.usage);
}

// A failure of the output file, said in words (the directory exists: checked before the export began).
function outputError(output: string, error: NodeJS.ErrnoException): CliError {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return new CliError(`cannot write ${output}: permission denied`, EXIT.usage);
    case 'EISDIR':
      return new CliError(`cannot write ${output}: it is a directory`, EXIT.usage);
    case 'ENOENT':
      return new CliError(`cannot write ${output}: the directory ${dirname(resolve(output))} does not exist`, EXIT.usage);
    case 'ENOSPC':
      return new CliError(`export interrupted: no space left on the device of ${output}`);
    default:
      return new CliError(`export interrupted writing ${output}: ${error.message}`);
  }
}

function toIso(flag: string, text: string, now: number, offset: number): string {
  const ms = parseTimeInput(text, now, offset);
  if (ms === null) throw new CliError(`${flag} "${text}" is not a time: try 2h, 7d, yesterday, 2026-12-01 or an ISO time`, EXIT.usage);
  return new Date(ms).toISOString();
}
