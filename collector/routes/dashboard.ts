// Serves the dashboard: the single-page app built into dist/dashboard at
// build time (no CDN, nothing fetched at run time). Files are read once at
// start and served from memory by exact name, so no request path ever
// reaches the file system. Every answer carries a Content-Security-Policy
// that allows only our own script and styles: no inline script, no eval.

import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../app.ts';
import { HttpError } from '../errors.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

/** The dashboard's Content-Security-Policy. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
}

/** Registers GET / (the app) and GET /assets/* (its hashed files). */
export async function registerDashboardRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const dir = deps.config.dashboardDir ?? null;
  const index = dir === null ? null : readFileSync(join(dir, 'index.html'));
  const assets = new Map<string, Asset>();
  if (dir !== null) {
    for (const name of readdirSync(join(dir, 'assets'))) {
      assets.set(name, { body: readFileSync(join(dir, 'assets', name)), type: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream' });
    }
  }

  app.addHook('onSend', async (_request, reply) => {
    secure(reply);
  });

  const sendIndex = async (_request: unknown, reply: FastifyReply) => {
    reply.header('cache-control', 'no-cache');
    if (index === null) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The drumbeats dashboard is not built in this install: run `npm run build`, then restart the collector.\n');
    }
    return reply.type(CONTENT_TYPES['.html']!).send(index);
  };
  app.get('/', sendIndex);
  app.get('/index.html', sendIndex);

  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) throw new HttpError(404, 'not_found', `no dashboard asset named "${request.params.name.slice(0, 100)}"`);
    // Asset names carry a content hash: a new build means new names.
    return reply.header('cache-control', 'public, max-age=31536000, immutable').type(asset.type).send(asset.body);
  });
}

function secure(reply: FastifyReply): void {
  reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin');
}
