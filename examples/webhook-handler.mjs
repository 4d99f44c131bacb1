// A webhook handler that tracks every delivery as one run, with plain fetch.
// No SDK: a /start when the event arrives, then /success or /failure with a
// JSON body of context. Monitoring calls are awaited with a short timeout and
// their failures ignored, so the collector can never break the webhook.
//
//   DRUMBEATS_PING_URL=http://127.0.0.1:8417/v1/ping/<monitor-id> node examples/webhook-handler.mjs
//
// It listens on PORT (default 0 = any free port) and prints its URL. POST
// events to /webhooks/stripe; an event with "fail": true throws.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const base = process.env.DRUMBEATS_PING_URL;
if (!base) {
  console.error('set DRUMBEATS_PING_URL to the monitor ping URL');
  process.exit(2);
}

async function ping(path, body) {
  try {
    await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(2000),
    });
  } catch (error) {
    console.error(`drumbeats ping failed: ${error.message}`);
  }
}

async function processStripeEvent(event) {
  await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 150));
  if (event.fail) throw new Error(`card_declined for ${event.id}`);
}

const server = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/webhooks/stripe') {
    res.writeHead(404).end();
    return;
  }
  let raw = '';
  for await (const chunk of req) raw += chunk;
  let event;
  try {
    event = JSON.parse(raw);
  } catch {
    res.writeHead(400).end('invalid JSON');
    return;
  }
  const runId = encodeURIComponent(event.id ?? randomUUID());
  await ping(`/start?run_id=${runId}`);
  try {
    await processStripeEvent(event);
    await ping(`/success?run_id=${runId}`, { event: event.type });
    res.writeHead(200).end('ok');
  } catch (error) {
    await ping(`/failure?run_id=${runId}`, { error: error.message, event: event.type });
    res.writeHead(500).end('failed');
  }
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`webhook handler listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
