// Dashboard login and logout. POST /v1/session trades the API key (or the
// dashboard password) for a session cookie; DELETE /v1/session ends it;
// GET /v1/session says whether the caller is logged in. Not behind the
// guard: these are how a browser gets past it.

import type { FastifyInstance } from 'fastify';
import type { SessionJson } from '../../shared/protocol.ts';
import { LoginBody } from '../../shared/schemas.ts';
import type { AppDeps } from '../app.ts';
import { checkSameOrigin, type Auth } from '../auth.ts';
import { HttpError } from '../errors.ts';

/** Registers the session routes. */
export async function registerSessionRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const auth = deps.auth as Auth;

  app.get('/v1/session', async (request): Promise<SessionJson> => {
    const via = auth.identify(request);
    const session = via === 'session' ? auth.sessionOf(request) : null;
    return { authenticated: via !== null, via, expires_at: session ? new Date(session.expiresAt).toISOString() : null };
  });

  app.post<{ Body: LoginBody }>('/v1/session', { schema: { body: LoginBody } }, async (request, reply): Promise<SessionJson> => {
    // Login CSRF: a cross-site form must not be able to log a browser into our session.
    checkSameOrigin(request);
    if (!auth.checkLogin(request.body.secret, request.ip)) {
      throw new HttpError(401, 'invalid_login', 'that is not the API key or the dashboard password');
    }
    const session = auth.startSession(request, reply);
    return { authenticated: true, via: 'session', expires_at: new Date(session.expiresAt).toISOString() };
  });

  app.delete('/v1/session', async (request, reply) => {
    checkSameOrigin(request);
    auth.endSession(request, reply);
    reply.status(204).send();
  });
}
