// The load generator, run as its own process so it never shares an event
// loop with what it measures. Sends whole runs (start, N logs, success with a
// body) from many connections with autocannon, each run under a fresh run id.
// Usage: node bench/load.mjs '<json options>'; prints one JSON result line.
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2] ?? '{}');
const {
  url, // collector base URL
  monitorId,
  monitorIds, // optional: spread runs round-robin over these monitors instead
  connections = 50,
  duration = 10, // seconds; ignored when `amount` is set
  amount, // total requests, for seeding
  logs = 2, // /log pings per run
  bodyBytes = 1024, // body of the terminal ping
  logBodyBytes = 0, // body of the start and log pings (seeding: every ping carries one)
  runPrefix = `r${process.pid}-`,
  needleEvery = 0, // every Nth run's success body carries a rare word, for payload search
  failEvery = 0, // every Nth run ends with /failure instead of /success
  terminal = true, // false: runs are left open (start and logs only)
} = opts;

// Bodies are text with the run id in them, so payloads differ the way real ones do.
const filler = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor '.repeat(200);
const bodyFor = (runId, bytes, extra = '') => {
  if (bytes <= 0) return undefined;
  const head = `{"run":"${runId}"${extra},"text":"`;
  return `${head}${filler.slice(0, Math.max(0, bytes - head.length - 2))}"}`;
};

let runCounter = 0;
const bases = (monitorIds ?? [monitorId]).map((id) => `/v1/ping/${id}`);
const requests = [
  {
    method: logBodyBytes > 0 ? 'POST' : 'GET',
    setupRequest: (req, context) => {
      const n = runCounter++;
      context.n = n;
      context.runId = `${runPrefix}${n}`;
      context.base = bases[n % bases.length];
      req.path = `${context.base}/start?run_id=${context.runId}`;
      req.body = bodyFor(context.runId, logBodyBytes);
      if (req.body) req.headers = { ...req.headers, 'content-type': 'application/json' };
      return req;
    },
  },
  ...Array.from({ length: logs }, (_, i) => ({
    method: logBodyBytes > 0 ? 'POST' : 'GET',
    setupRequest: (req, context) => {
      req.path = `${context.base}/log?run_id=${context.runId}&message=step%20${i + 1}`;
      req.body = bodyFor(context.runId, logBodyBytes);
      if (req.body) req.headers = { ...req.headers, 'content-type': 'application/json' };
      return req;
    },
  })),
  ...(terminal ? [{
    method: 'POST',
    setupRequest: (req, context) => {
      const needle = needleEvery > 0 && context.n % needleEvery === 0 ? ',"note":"quasarflux"' : '';
      const outcome = failEvery > 0 && context.n % failEvery === failEvery - 1 ? 'failure' : 'success';
      req.path = `${context.base}/${outcome}?run_id=${context.runId}`;
      req.body = bodyFor(context.runId, bodyBytes, needle);
      req.headers = { ...req.headers, 'content-type': 'application/json' };
      return req;
    },
  }] : []),
];

const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
const result = await autocannon({
  url,
  connections,
  ...(amount ? { amount } : { duration }),
  requests,
  timeout: 30,
});
const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
const ok = result['2xx'];
process.stdout.write(
  `${JSON.stringify({
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    runs: runCounter,
    // autocannon's own duration excludes its start-up; use it for the rate.
    seconds: result.duration,
    wallSeconds: elapsedS,
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  })}\n`,
);
