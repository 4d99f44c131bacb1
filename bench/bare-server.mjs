// The baseline: a bare fastify route on the ping URL shapes that reads the
// body and answers 200 with a small JSON object, and does nothing else.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_request, payload, done) => {
  payload.on('data', () => {});
  payload.on('end', () => done(null, undefined));
});
const handler = async (request) => ({ ok: true, run_id: request.query.run_id ?? null });
app.route({ method: ['GET', 'POST'], url: '/v1/ping/:monitor', handler });
app.route({ method: ['GET', 'POST'], url: '/v1/ping/:monitor/:action', handler });
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`bare fastify listening on http://127.0.0.1:${app.server.address().port}\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
