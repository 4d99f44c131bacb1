// The CLI's manners: help with a real example on every command, --version,
// colour only where it belongs (never when piped, never with NO_COLOR, always
// with FORCE_COLOR), one-line errors with documented exit codes, completion.

import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI, REPO_ROOT, cleanupTempDirs, makeTempDir, runCli, startTestCollector, type TestCollector } from './helpers/collector.ts';

const ANSI = /\x1b\[[0-9;]*m/;
let collector: TestCollector;
let base: NodeJS.ProcessEnv;

beforeAll(async () => {
  collector = await startTestCollector();
  base = { DRUMBEATS_URL: collector.url, DRUMBEATS_API_KEY: collector.apiKey, DRUMBEATS_CONFIG_DIR: makeTempDir(), DRUMBEATS_SPOOL_DIR: makeTempDir() };
  const monitor = await collector.createMonitor({ name: 'Colours', max_duration_seconds: 60 });
  const ping = collector.pingBase(monitor);
  await fetch(`${ping}/start?run_id=c1`);
  await fetch(`${ping}/log?run_id=c1&message=step`);
  await fetch(`${ping}/1?run_id=c1`, { method: 'POST', body: 'boom\n' });
});
afterAll(async () => {
  await collector?.stop();
  cleanupTempDirs();
});

// Runs the CLI with exactly this environment (nothing inherited but PATH and HOME).
const run = (args: string[], env: NodeJS.ProcessEnv) =>
  execa(process.execPath, [CLI, ...args], { reject: false, extendEnv: false, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...base, ...env } });

const READ_COMMANDS = [
  ['monitors', 'ls'],
  ['monitors', 'show', 'colours'],
  ['runs', 'ls'],
  ['runs', 'show', 'c1'],
  ['status'],
  ['config', 'list'],
];

const ALL_COMMANDS = [
  ['collector'],
  ['monitors'],
  ['monitors', 'ls'],
  ['monitors', 'show'],
  ['monitors', 'create'],
  ['monitors', 'update'],
  ['monitors', 'rm'],
  ['runs'],
  ['runs', 'ls'],
  ['runs', 'show'],
  ['tail'],
  ['login'],
  ['config'],
  ['config', 'get'],
  ['config', 'set'],
  ['config', 'unset'],
  ['config', 'list'],
  ['config', 'path'],
  ['status'],
  ['completion'],
];

describe('help and version', () => {
  test.each(ALL_COMMANDS.map((c) => c.join(' ')))('%s --help shows a real example', async (line) => {
    const command = line.split(' ');
    const result = await runCli([...command, '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Usage: drumbeats /);
    expect(result.stdout).toMatch(new RegExp(`Examples?:\\n {2}\\$ .*drumbeats ${command[0]}`));
  });

  test('the top-level help lists every command and the exit codes', async () => {
    const result = await runCli(['--help']);
    for (const name of ['collector', 'monitors', 'runs', 'tail', 'login', 'config', 'status|doctor', 'completion']) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${name.replace('|', '\\|')}\\b`, 'm'));
    }
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 failure, 2 usage, 3 collector unreachable, 4 API key refused, 5 not found.');
  });

  test('run, ping and flush (dispatched before commander) are listed, and `help <command>` prints their own usage', async () => {
    const top = await runCli(['--help']);
    for (const name of ['run', 'ping', 'flush']) expect(top.stdout).toMatch(new RegExp(`^ {2}${name}\\b.* {2}\\w`, 'm'));
    for (const [name, usage] of [
      ['run', 'Usage: drumbeats run [options] -- <command> [args...]\n'],
      ['ping', 'Usage: drumbeats ping <start|log|success|failure> [options]\n'],
      ['flush', 'Usage: drumbeats flush [options]\n'],
    ] as const) {
      const help = await runCli(['help', name]);
      expect(help.exitCode, name).toBe(0);
      expect(help.stdout, name).toMatch(new RegExp(`^${usage.replace(/[[\]|.]/g, '\\$&')}`));
    }
  });

  test('run after a global option goes through commander and still wraps the job with its exit status', async () => {
    const result = await runCli(['--url', 'http://127.0.0.1:1', 'run', '-q', '--', process.execPath, '-e', 'process.exit(3)'], {
      env: { DRUMBEATS_MONITOR: 'mon_nothing', DRUMBEATS_SPOOL_DIR: makeTempDir() },
    });
    expect(result.exitCode).toBe(3);
  });

  test.each(['drumbeats runs', 'drumbeats monitors', 'drumbeats config', 'drumbeats'])('"%s" without a subcommand: help on stderr, exit 2 (a usage error)', async (line) => {
    const result = await runCli(line.split(' ').slice(1));
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^Usage: ${line} \\[options\\] \\[command\\]\n`));
  });

  test.each(['drumbeats --help', 'drumbeats help', 'drumbeats runs --help', 'drumbeats help runs', 'drumbeats runs help'])('"%s": help on stdout, exit 0', async (line) => {
    const result = await runCli(line.split(' ').slice(1));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Usage: drumbeats /);
    expect(result.stderr).toBe('');
  });

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });
});

describe('colour', () => {
  test.each(READ_COMMANDS.map((c) => c.join(' ')))('piped, %s prints no ANSI codes', async (line) => {
    const command = line.split(' ');
    const result = await run(command, {});
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toMatch(ANSI);
    expect(result.stdout.length).toBeGreaterThan(0);
  });

  test.each(READ_COMMANDS.map((c) => c.join(' ')))('NO_COLOR=1: %s prints no ANSI codes', async (line) => {
    const command = line.split(' ');
    const result = await run(command, { NO_COLOR: '1' });
    expect(result.stdout).not.toMatch(ANSI);
  });

  test('FORCE_COLOR=1 colours even when piped (so the checks above can fail)', async () => {
    const result = await run(['runs', 'show', 'c1'], { FORCE_COLOR: '1' });
    expect(result.stdout).toMatch(ANSI);
    expect(result.stdout).toContain('\x1b[31mfailed (exit_code)\x1b[39m');
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  test.skipIf(!hasScript)('on a terminal: colour and a bordered table; NO_COLOR keeps the table, drops the colour', async () => {
    const inTty = (env: string) =>
      spawnSync('script', ['-qec', `${env} "${process.execPath}" "${CLI}" runs ls`, '/dev/null'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', ...base },
      }).stdout;
    const coloured = inTty('');
    expect(coloured).toMatch(ANSI);
    expect(coloured).toMatch(/┌─+┬/);
    const plain = inTty('NO_COLOR=1');
    expect(plain).not.toMatch(ANSI);
    expect(plain).toMatch(/┌─+┬/);
  });
});

describe('errors', () => {
  test('one line on stderr, no stack; DRUMBEATS_DEBUG=1 adds the stack', async () => {
    const plain = await run(['runs', 'show', 'nope'], {});
    expect(plain.exitCode).toBe(5);
    expect(plain.stderr).toBe('drumbeats: no run "nope"');
    const debug = await run(['runs', 'show', 'nope'], { DRUMBEATS_DEBUG: '1' });
    expect(debug.exitCode).toBe(5);
    expect(debug.stderr).toMatch(/^CliError: no run "nope"\n {4}at /);
  });

  test('--json on every read command prints exactly one JSON document', async () => {
    for (const command of [...READ_COMMANDS, ['config', 'get', 'url']]) {
      const result = await run([...command, '--json'], {});
      expect(() => JSON.parse(result.stdout), command.join(' ')).not.toThrow();
      expect(result.stdout.trim().split('\n'), command.join(' ')).toHaveLength(1);
    }
  });
});

describe('completion', () => {
  test('bash: the generated script completes real subcommands and option values', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout;
    const complete = (words: string[]) =>
      spawnSync(
        'bash',
        ['--norc', '-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _drumbeats_completion; printf '%s\\n' "\${COMPREPLY[@]}"`],
        { encoding: 'utf8' },
      ).stdout.trim().split('\n');
    expect(complete(['drumbeats', 'monitors', ''])).toEqual(['ls', 'list', 'show', 'create', 'update', 'rm', 'delete', '--help']);
    expect(complete(['drumbeats', 'runs', 'ls', '--status', ''])).toEqual(['running', 'success', 'failed']);
    expect(complete(['drumbeats', 'doc'])).toEqual(['doctor']);
    expect(complete(['drumbeats', 'ru'])).toEqual(['run', 'runs']);
    expect(complete(['drumbeats', 'fl'])).toEqual(['flush']);
    expect(complete(['drumbeats', 'pi'])).toEqual(['ping']);
    expect(complete(['drumbeats', 'completion', '--h'])).toEqual(['--help']);
  });

  test('zsh: a #compdef script; unknown shells are a usage error', async () => {
    const zsh = await runCli(['completion', 'zsh']);
    expect(zsh.exitCode).toBe(0);
    expect(String(zsh.stdout)).toMatch(/^#compdef drumbeats\n/);
    expect(String(zsh.stdout)).toContain("'tail:follow pings and run events live");
    const fish = await runCli(['completion', 'fish']);
    expect(fish.exitCode).toBe(2);
    expect(fish.stderr).toMatch(/Allowed choices are bash, zsh/);
  });
});
