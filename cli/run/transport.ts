// HTTP(S) requests to the collector over node:http/https, each with its own
// timeout and an abort signal, never throwing: every outcome is a value the
// retry policy can classify. node:https is loaded only for https URLs, so a
// plain-http `drumbeats run` never pays for TLS at startup.

import http from 'node:http';
import type { AttemptResult } from '../core/retry-policy.ts';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array | null;
  timeoutMs: number;
  signal?: AbortSignal;
}

export type HttpResult = AttemptResult & { text?: string };

const USER_AGENT = 'drumbeats-cli';
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Sends requests with keep-alive agents; `close()` releases every socket. */
export class Transport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private httpsAgent: import('node:https').Agent | null = null;
  private httpsModule: typeof import('node:https') | null = null;
  private closed = false;

  /** Sends one request; resolves with the response or the network error, never rejects. */
  async send(req: HttpRequest): Promise<HttpResult> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return { kind: 'network_error', code: 'EINVALIDURL', message: `invalid URL ${req.url}` };
    }
    let request: typeof http.request;
    let agent: http.Agent;
    if (url.protocol === 'https:') {
      this.httpsModule ??= await import('node:https');
      this.httpsAgent ??= new this.httpsModule.Agent({ keepAlive: true, maxSockets: 8 });
      request = this.httpsModule.request;
      agent = this.httpsAgent;
    } else {
      request = http.request;
      agent = this.httpAgent;
    }
    if (this.closed) return { kind: 'network_error', code: 'ECLOSED', message: 'transport closed' };
    if (req.signal?.aborted) return { kind: 'network_error', code: 'EABORTED', message: 'aborted before sending' };

    return new Promise<HttpResult>((resolve) => {
      const body = req.body ?? null;
      let settled = false;
      const finish = (result: HttpResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const fail = (code: string, message: string): void => {
        finish({ kind: 'network_error', code, message });
        outgoing.destroy();
      };
      const outgoing = request(url, {
        method: req.method,
        agent,
        headers: {
          'user-agent': USER_AGENT,
          accept: 'application/json',
          ...(req.method === 'POST' && { 'content-length': String(body?.length ?? 0) }),
          ...req.headers,
        },
      });
      // One timer covers connect, TLS, request and the whole response: a
      // server that accepts and never answers costs at most timeoutMs.
      const timer = setTimeout(() => fail('ETIMEDOUT', `no answer within ${req.timeoutMs} ms`), Math.max(1, req.timeoutMs));
      const onAbort = (): void => fail('EABORTED', 'delivery deadline reached');
      req.signal?.addEventListener('abort', onAbort, { once: true });
      outgoing.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'network_error', code: err.code ?? 'EUNKNOWN', message: err.message }));
      outgoing.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'network_error', code: err.code ?? 'EUNKNOWN', message: err.message }));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      outgoing.end(body === null ? undefined : body);
    });
  }

  /** Destroys every socket so nothing keeps the process alive. */
  close(): void {
    this.closed = true;
    this.httpAgent.destroy();
    this.httpsAgent?.destroy();
  }
}
