// Child processes the benchmark starts: the collector (the built binary), the
// bare baseline server, the load generator, and CLI invocations. Everything
// listens on 127.0.0.1 port 0 and is stopped by its own pid.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Starts a process that prints "listening on <url>" and resolves once it does. */
export function startListening(command, args, { env = {}, timeoutMs = 20_000 } = {}) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk.toString()).length > 20_000 && (err = err.slice(-10_000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not start in ${timeoutMs} ms:\n${out}\n${err}`));
    }, timeoutMs);
    const onData = (chunk) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({
        url: match[1],
        pid: child.pid,
        child,
        stderr: () => err,
        /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
        stop: async (graceMs = 10_000) => {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          const result = await exited;
          clearTimeout(killer);
          return result;
        },
      });
    };
    child.stdout.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code ?? signal}) before listening:\n${out}\n${err}`));
    });
  });
}

/**
 * Runs a process to completion; resolves with exit code, output and wall time in ms.
 * On timeout it sends `killSignal`, and SIGKILL 5 s later if the process is still there.
 */
export function runProcess(command, args, { env = {}, timeoutMs = 600_000, measureRss = false, killSignal = 'SIGKILL' } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let outBytes = 0;
    let err = '';
    let peakRssKb = 0;
    const sample = () => {
      const kb = readVmHwm(child.pid);
      if (kb > peakRssKb) peakRssKb = kb;
    };
    const sampler = measureRss ? setInterval(sample, 20) : null;
    child.stdout.on('data', (chunk) => {
      outBytes += chunk.length;
      if (out.length < 64) out.push(chunk); // keep the head; count the rest
    });
    child.stderr.on('data', (chunk) => (err += chunk.toString()).length > 20_000 && (err = err.slice(-10_000)));
    let killer = null;
    const timer = setTimeout(() => {
      child.kill(killSignal);
      if (killSignal !== 'SIGKILL') killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      if (sampler) clearInterval(sampler);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ code, signal, ms, stdout: Buffer.concat(out).toString(), stdoutBytes: outBytes, stderr: err, peakRssKb });
    });
  });
}

// VmHWM is the kernel's own peak-RSS mark for the process: sampling it late
// still sees the peak, as long as the process has not exited yet.
function readVmHwm(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** user + system CPU time of a process so far, in seconds (from /proc/<pid>/stat). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / CLOCK_TICKS;
}

// USER_HZ is 100 on every Linux Node supports.
const CLOCK_TICKS = 100;

/**
 * Runs the load generator in its own process and returns its JSON result
 * (`generator` says whether wrk or autocannon sent the load).
 */
export async function runLoad(loadScript, options, timeoutMs = 900_000) {
  // SIGTERM first: load.mjs passes it on to wrk, its own child, which SIGKILL would orphan.
  const result = await runProcess(process.execPath, [loadScript, JSON.stringify(options)], { timeoutMs, killSignal: 'SIGTERM' });
  if (result.code !== 0) throw new Error(`load generator failed (${result.code ?? result.signal}):\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

/** Samples a process's resident memory every 20 ms; stop() returns the highest, in kB. */
export function sampleRss(pid) {
  let peakKb = 0;
  const sample = () => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match && Number(match[1]) > peakKb) peakKb = Number(match[1]);
    } catch {
      // exited
    }
  };
  sample();
  const timer = setInterval(sample, 20);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peakKb;
    },
  };
}
