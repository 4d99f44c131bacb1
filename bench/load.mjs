// The load generator, run as its own process so it never shares an event
// loop with what it measures. Sends whole runs (start, N logs, success with a
// body) over many keep-alive connections, each run under a fresh run id and
// each ping of a run sent only once the previous one is answered.
//
// It drives wrk when `wrk` is on PATH and autocannon otherwise. autocannon
// spends 60-100 µs of CPU per request on one core, so on a small machine it,
// not the bare server, sets the baseline's rate; wrk with the script below
// spends ~20-25 µs against the bare server and ~25-30 µs against the collector.
// The `generator` option ('wrk' or 'autocannon'; else BENCH_LOAD_GENERATOR)
// forces one. wrk runs few threads (`threads`, default 2), each an event loop
// over its share of the connections: with a thread per connection (as before)
// every response woke a sleeping wrk thread, which made the server's writev()
// dearer (the bare server spent ~50 µs of CPU per request instead of ~35 µs)
// and wrk's own CPU per request twice as high. wrk tells the script nothing
// about connections, so each thread's Lua state keeps its runs keyed by run id
// and learns from the run_id echoed in each answer which run may send its
// next ping (see the script). Both report the same JSON, with `generator`
// naming the one used.
//
// Usage: node bench/load.mjs '<json options>'; prints one JSON result line.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { delimiter, join } from 'node:path';

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
  timeout = 30, // seconds a response may take (autocannon aborts it; wrk only counts it)
  threads = 2, // wrk threads (at most `connections`; lowered to a divisor of it)
  generator = process.env.BENCH_LOAD_GENERATOR || (findOnPath('wrk') ? 'wrk' : 'autocannon'),
} = opts;

// Bodies are text with the run id in them, so payloads differ the way real ones do.
const FILLER_WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ';
const FILLER_REPEAT = 200;
const NEEDLE = ',"note":"quasarflux"';
const filler = FILLER_WORDS.repeat(FILLER_REPEAT);
const bodyFor = (runId, bytes, extra = '') => {
  if (bytes <= 0) return undefined;
  const head = `{"run":"${runId}"${extra},"text":"`;
  return `${head}${filler.slice(0, Math.max(0, bytes - head.length - 2))}"}`;
};
const bases = (monitorIds ?? [monitorId]).map((id) => `/v1/ping/${id}`);
const pingsPerRun = 1 + logs + (terminal ? 1 : 0);
// Bound on wrk's wait in an `amount` run; its threads end it much earlier.
const AMOUNT_BOUND_SECONDS = 3600;

let result;
if (generator === 'wrk') result = await loadWithWrk();
else if (generator === 'autocannon') result = await loadWithAutocannon();
else throw new Error(`unknown load generator ${JSON.stringify(generator)} (wrk or autocannon)`);
process.stdout.write(`${JSON.stringify({ generator, ...result })}\n`);

async function loadWithAutocannon() {
  const { default: autocannon } = await import('autocannon');
  let runCounter = 0;
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
        const needle = needleEvery > 0 && context.n % needleEvery === 0 ? NEEDLE : '';
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
    timeout,
  });
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const ok = result['2xx'];
  return {
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
    // This process's CPU while autocannon ran (it runs in this process).
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

async function loadWithWrk() {
  const threadCount = divisorAtMost(connections, threads);
  const shares = amount ? splitAmount(amount, threadCount, pingsPerRun) : null;
  const dir = mkdtempSync(join(os.tmpdir(), 'drumbeats-wrk-'));
  const script = join(dir, 'load.lua');
  writeFileSync(script, wrkScript({ host: new URL(url).host, shares, threadCount }));
  // wrk's own duration is only a bound: each thread stops itself (once all
  // its connections idle: its share sent, or the common deadline passed, and
  // every answer in) and
  // reports on stderr; once all have, SIGINT ends wrk's wait.
  const bound = amount ? AMOUNT_BOUND_SECONDS : Math.ceil(duration + timeout + 5);
  const args = ['-t', String(threadCount), '-c', String(connections), '-d', `${bound}s`, '--timeout', `${timeout}s`, '-s', script, url];
  const started = process.hrtime.bigint();
  let run;
  try {
    run = await runWrk(args, threadCount);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const line = /^drumbeats-wrk-done (.*)$/m.exec(run.stdout);
  if (run.failed || run.code !== 0 || !line) {
    throw new Error(`wrk failed (${run.code ?? run.signal}):\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  }
  if (run.threads.length < threadCount) {
    process.stderr.write(`load: only ${run.threads.length} of ${threadCount} wrk threads finished before wrk's ${bound} s bound; the others are not counted\n`);
  }
  const summary = JSON.parse(line[1]);
  const sum = (key) => run.threads.reduce((total, t) => total + t[key], 0);
  // wrk counts responses and those with a status above 399; the ping API
  // answers no 1xx or 3xx, so the rest are the 2xx.
  const ok = summary.requests - summary.status;
  const begun = Math.min(...run.threads.filter((t) => t.first >= 0).map((t) => t.first));
  const ended = Math.max(...run.threads.map((t) => t.last));
  // From the first request sent to the last response received, so neither
  // wrk's start-up nor its wait for the SIGINT counts against the rate.
  const seconds = ended > begun ? (ended - begun) / 1e6 : summary.duration_us / 1e6;
  const latency = histogramPercentiles(run.threads.flatMap((t) => t.hist), [50, 99]);
  return {
    ok,
    non2xx: summary.status,
    errors: summary.connect + summary.read + summary.write, // socket errors; wrk reconnects after each
    timeouts: summary.timeout, // responses slower than `timeout` (wrk waits for them all the same)
    runs: sum('runs'),
    seconds,
    wallSeconds,
    rps: ok / seconds,
    // Measured by the Lua script (see there), in buckets of 3 significant
    // digits. wrk's own latency statistics would add synthetic samples for
    // coordinated omission, which autocannon's do not.
    p50: latency[50] / 1000,
    p99: latency[99] / 1000,
    max: Math.max(...run.threads.map((t) => t.max)) / 1000,
    // getrusage(RUSAGE_SELF) of the wrk process in done(), after its threads
    // were joined: all of wrk's CPU from exec to the end of the load.
    cpuSeconds: summary.cpu_us / 1e6,
  };
}

/**
 * The largest divisor of `connections` that is at most `wanted` (and at least
 * 1): wrk gives each thread connections / threads and drops the remainder.
 */
function divisorAtMost(connections, wanted) {
  for (let t = Math.min(Math.floor(wanted), connections); t > 1; t--) {
    if (connections % t === 0) return t;
  }
  return 1;
}

/**
 * Splits `amount` requests over `threads` so every run stays whole and the run
 * numbers n = k * threads + thread are exactly 0 .. runs - 1: thread t sends
 * its share of whole runs, and the thread whose turn run number `runs` would
 * be also sends the remainder (the first pings of one more run).
 */
function splitAmount(total, threads, perRun) {
  const runs = Math.floor(total / perRun);
  const rest = total % perRun;
  return Array.from({ length: threads }, (_, t) => {
    const whole = Math.floor(runs / threads) + (t < runs % threads ? 1 : 0);
    return whole * perRun + (t === runs % threads ? rest : 0);
  });
}

/** Nearest-rank percentiles of a histogram given as [value, count] pairs. */
function histogramPercentiles(pairs, percentiles) {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  const out = {};
  for (const p of percentiles) {
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    out[p] = NaN;
    for (const [value, count] of sorted) {
      seen += count;
      if (seen >= rank) {
        out[p] = value;
        break;
      }
    }
  }
  return out;
}

/** Runs wrk; once `threads` threads have reported, interrupts its wait. */
function runWrk(args, threads) {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = ''; // everything but the threads' reports
    let partial = '';
    const reports = [];
    let interrupter = null;
    let failed = false;
    // Our own SIGTERM (runLoad's timeout) must not leave wrk running.
    const forward = () => child.kill('SIGTERM');
    process.once('SIGTERM', forward);
    child.stdout.on('data', (chunk) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        if (line.startsWith('drumbeats-thread ')) reports.push(JSON.parse(line.slice('drumbeats-thread '.length)));
        else stderr += `${line}\n`;
      }
      // Anything else is an error (a script that does not load makes wrk
      // send its default request instead): stop at once.
      if (stderr && !failed) {
        failed = true;
        child.kill('SIGKILL');
      }
      // wrk ignores SIGINT until all its threads are started: repeat it until it exits.
      if (reports.length >= threads && !interrupter) {
        child.kill('SIGINT');
        interrupter = setInterval(() => child.kill('SIGINT'), 100);
      }
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearInterval(interrupter);
      process.off('SIGTERM', forward);
      resolve({ code, signal, failed, stdout, stderr: stderr + partial, threads: reports });
    });
  });
}

/** The Lua script for one wrk run, with the options written in as constants. */
function wrkScript({ host, shares, threadCount }) {
  const lua = luaString;
  return `-- Generated by bench/load.mjs for one run of wrk (4.x); see there.
-- Each thread is an event loop over CONNECTIONS connections with one Lua
-- state. wrk tells the script nothing about connections: request() is called
-- when a connection may send (at connect, and in a later loop turn after each
-- answer, not necessarily right after that answer's response()). So the state
-- is per run, keyed by run id: response() finds the run by the run_id the
-- server echoes and queues it if it has pings left, and request() sends the
-- oldest queued run's next ping or else starts a new run. A run's next ping is
-- sent only after the answer to its previous one, so every run is sent in
-- order, though not always on one connection. Threads stop themselves once
-- all their connections are idle and report their counts on stderr as one
-- JSON line (wrk's thread:get() cannot copy nested tables: it crashes).
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } drumbeats_timespec;
typedef struct { long tv_sec; long tv_usec; } drumbeats_timeval;
typedef struct { drumbeats_timeval utime; drumbeats_timeval stime; long rest[14]; } drumbeats_rusage;
int clock_gettime(int clock, drumbeats_timespec *ts);
int getrusage(int who, drumbeats_rusage *usage);
]]

local SHARES = ${shares ? `{ ${shares.join(', ')} }` : 'nil'}
local DURATION_US = ${shares ? 'nil' : Math.round(duration * 1e6)}
local HOST = ${lua(host)}
local BASES = { ${bases.map(lua).join(', ')} }
local PREFIX = ${lua(runPrefix)}
local THREADS = ${threadCount}
local CONNECTIONS = ${connections / threadCount} -- per thread
local LOGS = ${logs}
local START_METHOD = ${logBodyBytes > 0 ? '"POST"' : '"GET"'}
local BODY_BYTES = ${bodyBytes}
local LOG_BODY_BYTES = ${logBodyBytes}
local NEEDLE_EVERY = ${needleEvery}
local FAIL_EVERY = ${failEvery}
local NEEDLE = ${lua(NEEDLE)}
local FILLER = string.rep(${lua(FILLER_WORDS)}, ${FILLER_REPEAT})
local PINGS_PER_RUN = ${pingsPerRun}

local timespec = ffi.new("drumbeats_timespec")
local function now_us()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC: the same clock in every thread
  return tonumber(timespec.tv_sec) * 1000000 + tonumber(timespec.tv_nsec) / 1000
end

local function format(method, path, body)
  if method == "GET" then
    return "GET " .. path .. " HTTP/1.1\\r\\nHost: " .. HOST .. "\\r\\n\\r\\n"
  end
  body = body or ""
  return "POST " .. path .. " HTTP/1.1\\r\\nHost: " .. HOST ..
    "\\r\\nContent-Type: application/json\\r\\nContent-Length: " .. #body .. "\\r\\n\\r\\n" .. body
end

-- Latency buckets of 3 significant digits (at most 1% low), to keep the report small.
local function bucket(us)
  if us < 1000 then return math.floor(us) end
  local scale = 1
  while us >= 1000 do
    us = us / 10
    scale = scale * 10
  end
  return math.floor(us) * scale
end

-- Setup phase (wrk's main Lua state): number the threads; one deadline for all.
local threads = 0
local deadline = -1
function setup(thread)
  if threads == 0 and DURATION_US then deadline = now_us() + DURATION_US end
  thread:set("drumbeats_thread", threads)
  thread:set("drumbeats_deadline", deadline)
  threads = threads + 1
end

-- Running phase (one Lua state per thread). A run is a table: its number n,
-- id, base path, step (pings sent), planned (pings it will send: all, or the
-- remainder of an \`amount\`) and sent_at (when its last ping was written).
-- response() costs wrk ~6 µs per answer (it copies the headers into a Lua
-- table), the price of knowing which run an answer belongs to.
local index, share, verifying
local queue, head, tail = {}, 1, 0 -- runs whose next ping may go, oldest first
local waiting = {} -- run id -> run whose ping awaits its answer
local committed = 0 -- pings planned by the runs started so far (at most the share)
local sent, answered, idle, stopped = 0, 0, 0, false
local runs, first, last, max = 0, -1, -1, 0
local hist = {}
local fillers = {} -- filler text by length

function init(args)
  index = drumbeats_thread
  deadline = drumbeats_deadline
  share = SHARES and SHARES[index + 1]
  -- wrk calls request() once on the first thread's state to check the
  -- script, before the thread runs; that request is never sent.
  verifying = index == 0
end

-- The same text as bodyFor() in load.mjs.
local function body_for(run_id, bytes, extra)
  if bytes <= 0 then return nil end
  local head = '{"run":"' .. run_id .. '"' .. extra .. ',"text":"'
  local length = math.max(0, bytes - #head - 2)
  local text = fillers[length]
  if not text then
    text = FILLER:sub(1, length)
    fillers[length] = text
  end
  return head .. text .. '"}'
end

local function report()
  local pairs_out = {}
  for key, count in pairs(hist) do pairs_out[#pairs_out + 1] = string.format("[%d,%d]", key, count) end
  io.stderr:write(string.format(
    'drumbeats-thread {"thread":%d,"sent":%d,"runs":%d,"first":%.0f,"last":%.0f,"max":%.0f,"hist":[%s]}\\n',
    index, sent, runs, first, last, max, table.concat(pairs_out, ",")))
end

-- The run whose ping this connection sends next, or nil: the connection idles.
local function next_run(now)
  if stopped then return nil end
  if deadline >= 0 and now >= deadline then
    stopped = true -- the runs still queued or waiting are cut off
    return nil
  end
  if head <= tail then
    local run = queue[head]
    queue[head] = nil
    head = head + 1
    return run
  end
  if sent == answered and next(waiting) then
    -- Nothing is in flight, so these runs' answers came without their run id
    -- (or not at all): they are abandoned and their unsent pings given back.
    for id, run in pairs(waiting) do
      committed = committed - (run.planned - run.step)
      waiting[id] = nil
    end
  end
  local planned = share and math.min(PINGS_PER_RUN, share - committed) or PINGS_PER_RUN
  if planned <= 0 then return nil end
  committed = committed + planned
  local n = runs * THREADS + index
  runs = runs + 1
  return { n = n, id = PREFIX .. n, base = BASES[n % #BASES + 1], step = 0, planned = planned, sent_at = 0 }
end

function request()
  if verifying then
    verifying = false
    return format("GET", "/")
  end
  local run = next_run(now_us())
  if not run then
    -- An idle connection is never asked again; once all are, nothing is in
    -- flight and the thread ends. The empty string is written as nothing.
    idle = idle + 1
    if idle == CONNECTIONS then
      report()
      wrk.thread:stop()
    end
    return ""
  end
  local req
  local step, run_id, base = run.step, run.id, run.base
  if step == 0 then
    req = format(START_METHOD, base .. "/start?run_id=" .. run_id, body_for(run_id, LOG_BODY_BYTES, ""))
  elseif step <= LOGS then
    req = format(START_METHOD, base .. "/log?run_id=" .. run_id .. "&message=step%20" .. step, body_for(run_id, LOG_BODY_BYTES, ""))
  else
    local needle = (NEEDLE_EVERY > 0 and run.n % NEEDLE_EVERY == 0) and NEEDLE or ""
    local outcome = (FAIL_EVERY > 0 and run.n % FAIL_EVERY == FAIL_EVERY - 1) and "failure" or "success"
    req = format("POST", base .. "/" .. outcome .. "?run_id=" .. run_id, body_for(run_id, BODY_BYTES, needle))
  end
  run.step = step + 1
  waiting[run_id] = run
  sent = sent + 1
  run.sent_at = now_us()
  if first < 0 then first = run.sent_at end
  return req
end

-- Called as soon as an answer is parsed; the latency is from the write of the
-- run's ping to here. Any status advances the run (the collector echoes the
-- run id on its 400 and 404 too); an answer without a known run id has no
-- latency sample and its run is abandoned (see next_run), so nothing stalls.
function response(status, headers, body)
  local now = now_us()
  answered = answered + 1
  last = now
  local id = body and body:match('"run_id":"([^"]*)"')
  local run = id and waiting[id]
  if not run then return end
  waiting[id] = nil
  local us = now - run.sent_at
  if us > max then max = us end
  local key = bucket(us)
  hist[key] = (hist[key] or 0) + 1
  if run.step < run.planned then
    tail = tail + 1
    queue[tail] = run
  end
end

-- Done phase (main state, every thread joined): wrk's error counts and CPU.
function done(summary, latency, requests)
  local usage = ffi.new("drumbeats_rusage")
  ffi.C.getrusage(0, usage) -- RUSAGE_SELF: every thread of wrk, joined ones included
  local cpu_us = tonumber(usage.utime.tv_sec + usage.stime.tv_sec) * 1000000 + tonumber(usage.utime.tv_usec + usage.stime.tv_usec)
  local e = summary.errors
  io.write(string.format(
    'drumbeats-wrk-done {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"cpu_us":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, cpu_us))
  io.flush()
end
`;
}

/** A Lua string literal of the UTF-8 bytes of `text`: printable ASCII as is, the rest as \\ddd. */
function luaString(text) {
  const bytes = [...Buffer.from(String(text))];
  const printable = (b) => b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c;
  return `"${bytes.map((b) => (printable(b) ? String.fromCharCode(b) : `\\${String(b).padStart(3, '0')}`)).join('')}"`;
}

/** Whether an executable of this name is in one of PATH's directories. */
function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}
