// `drumbeats completion bash|zsh`: prints a completion script generated from
// the commander tree, so it always matches the real commands and options.

import type { Command } from 'commander';
import { bashCompletion, zshCompletion, type CompletionCommand } from '../core/completion.ts';

/** Prints the completion script for `shell`. */
export function completionCommand(program: Command, shell: 'bash' | 'zsh'): void {
  const tree = toTree(program);
  process.stdout.write(shell === 'bash' ? bashCompletion(tree) : zshCompletion(tree));
}

function toTree(command: Command): CompletionCommand {
  const options = command.options
    .filter((o) => !o.hidden)
    .map((o) => ({
      flags: [o.long, o.short].filter((f): f is string => typeof f === 'string'),
      description: o.description,
      takesValue: o.required || o.optional,
      choices: o.argChoices ?? [],
    }));
  options.push({ flags: ['--help', '-h'], description: 'show help', takesValue: false, choices: [] });
  return {
    name: command.name(),
    aliases: command.aliases(),
    description: command.description(),
    options,
    subcommands: command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map(toTree),
  };
}
