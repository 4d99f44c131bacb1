import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { bashCompletion, zshCompletion, type CompletionCommand } from './completion.ts';

const opt = (flags: string[], takesValue = false, choices: string[] = []) => ({ flags, description: `the ${flags[0]} option`, takesValue, choices });
const TREE: CompletionCommand = {
  name: 'drumbeats',
  aliases: [],
  description: 'monitor jobs',
  options: [opt(['--url'], true), opt(['--version', '-V'])],
  subcommands: [
    {
      name: 'monitors',
      aliases: [],
      description: 'manage monitors',
      options: [],
      subcommands: [
        { name: 'show', aliases: [], description: "show one: stats & 'thresholds'", options: [opt(['--json'])], subcommands: [] },
        { name: 'rm', aliases: [], description: 'delete', options: [opt(['--yes'])], subcommands: [] },
      ],
    },
    {
      name: 'runs',
      aliases: [],
      description: 'inspect runs',
      options: [],
      subcommands: [
        {
          name: 'ls',
          aliases: [],
          description: 'list',
          options: [opt(['--status'], true, ['running', 'success', 'failed']), opt(['--monitor', '-m'], true)],
          subcommands: [],
        },
      ],
    },
    { name: 'status', aliases: ['doctor'], description: 'check the set-up', options: [opt(['--json'])], subcommands: [] },
  ],
};

// Runs the bash completion function for a command line ending at the cursor.
function complete(line: string): string[] {
  const words = line.split(' ');
  const script = `${bashCompletion(TREE)}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})
COMP_CWORD=${words.length - 1}
_drumbeats_completion
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['--norc', '-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('bash completion, run in bash', () => {
  test.each([
    ['drumbeats ', ['monitors', 'runs', 'status', 'doctor', '--url', '--version']],
    ['drumbeats mo', ['monitors']],
    ['drumbeats monitors ', ['show', 'rm']],
    ['drumbeats monitors show --', ['--json']],
    ['drumbeats --url http://x monitors ', ['show', 'rm']],
    ['drumbeats runs ls --status ', ['running', 'success', 'failed']],
    ['drumbeats runs ls --status s', ['success']],
    ['drumbeats runs ls --monitor ', []],
    ['drumbeats runs ls --monitor nightly --', ['--status', '--monitor']],
    ['drumbeats doctor --', ['--json']],
    ['drumbeats nosuch ', ['monitors', 'runs', 'status', 'doctor', '--url', '--version']],
  ])('%j', (line, expected) => {
    expect(complete(line)).toEqual(expected);
  });
});

describe('zsh completion', () => {
  const script = zshCompletion(TREE);
  test('describes commands and options, quoting descriptions', () => {
    expect(script.startsWith('#compdef drumbeats\n')).toBe(true);
    expect(script).toContain(`'show:show one: stats & '\\''thresholds'\\'''`);
    expect(script).toContain(`choices=('running' 'success' 'failed')`);
    expect(script).toContain('compdef _drumbeats drumbeats');
  });

  const zsh = spawnSync('zsh', ['--version']).status === 0;
  test.skipIf(!zsh)('parses in zsh (zsh -n)', () => {
    const result = spawnSync('zsh', ['-n'], { input: script, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
