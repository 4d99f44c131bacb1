// The ping API: GET, HEAD and POST on /v1/ping/<monitor_id>[/<action>].
// curl is a complete client, so anything a shell script can send must work:
// any body type, any encoding, empty or chunked bodies.

import { randomFillSync, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MONITOR_ID_PATTERN, PAYLOAD_LIMIT_BYTES, type PingQuery, type PingResponse } from '../../shared/protocol.ts';
import { toBoundedUtf8 } from '../../shared/utf8.ts';
import type { AppDeps } from '../app.ts';
import { isParseError, parsePing } from '../core/ping-request.ts';
import { HttpError } from '../errors.ts';
import { ConflictError, UnknownMonitorError } from '../store/store.ts';

/** What the raw body parser keeps: the first bytes and the total size. */
interface RawBody {
  head: Buffer;
  size: number;
}

// Keep a few bytes past the limit so the cut can land on a character boundary.
const HEAD_BYTES = PAYLOAD_LIMIT_BYTES + 4;

interface PingRoute {
  Params: { monitor: string; action?: string };
  Querystring: PingQuery;
}

/** Registers the ping routes (an encapsulated context with its own body parser). */
export async function registerPingRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => readHead(payload, done));

  const handler = async (request: FastifyRequest<PingRoute>) => recordPing(request, deps);
  for (const url of ['/v1/ping/:monitor', '/v1/ping/:monitor/:action']) {
    app.route<PingRoute>({ method: ['GET', 'POST'], url, handler });
  }
}

async function recordPing(request: FastifyRequest<PingRoute>, deps: AppDeps): Promise<PingResponse> {
  const parsed = parsePing(request.params.action, request.query ?? {});
  if (isParseError(parsed)) {
    const runId = request.query?.run_id;
    throw new HttpError(400, parsed.code, parsed.message, typeof runId === 'string' ? { run_id: runId.slice(0, 128) } : {});
  }

  const monitorId = request.params.monitor;
  // Pings address monitors by their unguessable id only, never by slug.
  const monitor = MONITOR_ID_PATTERN.test(monitorId) ? await deps.store.getMonitor(monitorId) : null;
  if (!monitor || monitor.id !== monitorId) throw unknownMonitor(monitorId, parsed.runId);

  const body = request.body as RawBody | undefined;
  const { text, truncated } = body && body.size > 0 ? toBoundedUtf8(body.head, PAYLOAD_LIMIT_BYTES) : { text: null, truncated: false };
  const contentType = request.headers['content-type'];
  const result = await deps.store.recordPing(
    {
      ...parsed,
      monitorId,
      runId: parsed.runId ?? randomUUID(),
      pingId: parsed.pingId ?? newPingId(),
      pingIdFromClient: parsed.pingId !== null,
      payload: text,
      payloadSize: body?.size ?? 0,
      truncated: truncated || (body !== undefined && body.size > body.head.length),
      contentType: body && body.size > 0 && contentType ? contentType.slice(0, 200) : null,
    },
    deps.clock(),
  ).catch((error: unknown) => {
    // Deleted between the check above and the commit: still the user's 404, never a 500.
    if (error instanceof UnknownMonitorError) throw unknownMonitor(monitorId, parsed.runId);
    if (error instanceof ConflictError) throw new HttpError(409, 'ping_id_reused', error.message, { run_id: parsed.runId });
    throw error;
  });
  if (result.run.deadlineAt !== null) deps.watchdog?.notify(result.run.deadlineAt);
  if (!result.duplicate) deps.feed?.notify();
  return {
    ok: true,
    run_id: result.run.runId,
    ping_id: result.ping.pingId,
    kind: result.ping.kind,
    status: result.run.status,
    duplicate: result.duplicate,
  };
}

// Streams the body, keeping only what may be stored and counting the rest.
// No size is refused: a job that posts its whole 50 MB log as the terminal
// ping still closes its run, with the first 10 KB stored and the size kept.
function readHead(payload: NodeJS.ReadableStream, done: (error: Error | null, body?: RawBody) => void): void {
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  let finished = false;
  const finish = (error: Error | null, body?: RawBody) => {
    if (finished) return;
    finished = true;
    done(error, body);
  };
  payload.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (kept < HEAD_BYTES) {
      const piece = chunk.subarray(0, HEAD_BYTES - kept);
      chunks.push(piece);
      kept += piece.length;
    }
  });
  payload.on('end', () => finish(null, { head: Buffer.concat(chunks), size }));
  payload.on('error', (error: Error) => finish(new HttpError(400, 'bad_body', `could not read the body: ${error.message}`)));
}

function unknownMonitor(monitorId: string, runId: string | null): HttpError {
  return new HttpError(404, 'unknown_monitor', `no monitor with id "${monitorId.slice(0, 64)}"; check the ping URL`, { run_id: runId });
}

let lastMs = 0;
let sameMs = 0;
// Random bytes drawn 6 KiB at a time: one call into the CSPRNG per 1,024 pings, not per ping.
const randomPool = Buffer.alloc(6 * 1024);
let randomAt = randomPool.length;

// Time-ordered ids (ms, a counter, 48 random bits): consecutive inserts land on
// the same index pages, where random UUIDs dirtied a page per ping per commit.
function newPingId(): string {
  const now = Date.now();
  sameMs = now === lastMs ? sameMs + 1 : 0;
  lastMs = now;
  if (randomAt === randomPool.length) {
    randomFillSync(randomPool);
    randomAt = 0;
  }
  const random = randomPool.toString('base64url', randomAt, randomAt + 6);
  randomAt += 6;
  return `p_${now.toString(36).padStart(9, '0')}${sameMs.toString(36).padStart(3, '0')}${random}`;
}
