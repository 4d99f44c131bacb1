// The collector's app factory: builds the fastify instance from its parts and
// never reads the environment or listens (server.ts does that). Tests build
// it with a temp store and a controllable clock.

import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { ErrorBody } from '../shared/protocol.ts';
import { PATTERN_HINTS } from '../shared/schemas.ts';
import { Auth } from './auth.ts';
import { HttpError } from './errors.ts';
import { LiveFeed } from './live-feed.ts';
import { registerManagementRoutes } from './routes/management.ts';
import { registerAnalyticsRoutes } from './routes/analytics.ts';
import { registerDashboardRoutes } from './routes/dashboard.ts';
import { registerExportRoutes } from './routes/export.ts';
import { registerPingHistoryRoutes } from './routes/ping-history.ts';
import { registerPingRoutes } from './routes/ping.ts';
import { registerSessionRoutes } from './routes/session.ts';
import type { Store } from './store/store.ts';
import type { Watchdog } from './watchdog.ts';

export interface AppConfig {
  /** Bearer token the management API requires. */
  apiKey: string;
  /** Base URL shown in ping URLs; derived from each request's Host when unset. */
  publicUrl: string | null;
  /** Also accepted at dashboard login (besides the API key). */
  dashboardPassword?: string | null;
  /** Built dashboard files (index.html, assets/); null serves a "not built" page. */
  dashboardDir?: string | null;
}

export interface AppDeps {
  store: Store;
  clock: () => number;
  config: AppConfig;
  /** Told about every new deadline so it can wake in time. */
  watchdog?: Pick<Watchdog, 'notify'>;
  /** Told after every commit live streams may show (GET /v1/stream); buildApp makes one when absent. */
  feed?: LiveFeed;
  /** Bearer-or-session check every /v1 management route uses; buildApp makes one when absent. */
  auth?: Auth;
  logger?: boolean | { level: string };
}

/** Creates the collector's HTTP app; the caller listens and closes it. */
export async function buildApp(appDeps: AppDeps): Promise<FastifyInstance> {
  const deps: AppDeps = {
    ...appDeps,
    feed: appDeps.feed ?? new LiveFeed(),
    auth:
      appDeps.auth ??
      new Auth(
        {
          apiKey: appDeps.config.apiKey,
          dashboardPassword: appDeps.config.dashboardPassword ?? null,
          secureCookies: appDeps.config.publicUrl?.startsWith('https://') ?? false,
        },
        appDeps.clock,
      ),
  };
  const app = Fastify({
    logger: deps.logger ?? false,
    // Large enough for the management API's JSON; ping bodies are streamed by
    // their own parser and never buffered beyond what is stored.
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // run ids may contain '/' encoded as %2F; keep them as one segment.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Errors fastify raises before routing (bad URL encoding, an over-long path
    // segment) get the same envelope as every other 4xx.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      const code = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'path_too_long' : 'bad_url';
      void (reply as FastifyReply).status(status).send(errorBody(code, error.message.length > 200 ? `${error.message.slice(0, 200)}…` : error.message));
    },
    // Malformed HTTP or headers past Node's limit (e.g. a huge query string)
    // never reach fastify: answer them with the envelope too, then hang up.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
      const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
      const status = tooLarge ? 431 : 400;
      const body = JSON.stringify(
        errorBody(tooLarge ? 'request_too_large' : 'bad_request', tooLarge ? 'request line and headers exceed 16 KB' : 'malformed HTTP request'),
      );
      socket.end(
        `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      // A wait the body names is also said the way HTTP clients read it.
      if (typeof error.extra.retry_after_seconds === 'number') void reply.header('retry-after', String(error.extra.retry_after_seconds));
      return reply.status(error.statusCode).send({ ...errorBody(error.code, error.message), ...error.extra });
    }
    if (error.validation) {
      return reply.status(400).send(errorBody('invalid_request', `${error.validationContext ?? 'request'} ${validationText(error)}`));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send(errorBody(clientErrorCode(error), error.message));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send(errorBody('internal', 'internal error; see the collector log'));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });

  // Open event streams would otherwise hold app.close() until their clients leave.
  app.addHook('preClose', async () => deps.feed?.close());
  app.get('/healthz', async () => ({ ok: true }));
  await app.register(registerPingRoutes, { deps });
  await app.register(registerManagementRoutes, { deps });
  await app.register(registerSessionRoutes, { deps });
  await app.register(registerAnalyticsRoutes, { deps });
  await app.register(registerPingHistoryRoutes, { deps });
  await app.register(registerExportRoutes, { deps });
  await app.register(registerDashboardRoutes, { deps });
  return app;
}

/** The error envelope. */
export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

function validationText(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const where = first.instancePath ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : '';
  const param = (first.params as { missingProperty?: string; additionalProperty?: string; pattern?: string } | undefined) ?? {};
  const field = param.missingProperty ?? param.additionalProperty ?? where;
  // "must match pattern ^(?!\s*$)..." helps nobody: say what the pattern is for.
  const message = (first.keyword === 'pattern' && param.pattern !== undefined ? PATTERN_HINTS[param.pattern] : undefined) ?? first.message ?? 'is invalid';
  return field ? `${field}: ${message}` : message;
}

function clientErrorCode(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'invalid_json';
    default:
      return error.statusCode === 413 ? 'body_too_large' : 'bad_request';
  }
}
