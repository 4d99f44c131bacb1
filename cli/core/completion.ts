// Shell completion scripts for bash and zsh, generated from the command tree
// (program.ts walks commander into a CompletionCommand), so they never drift
// from the real commands. Pure: returns the script text.

export interface CompletionOption {
  /** Every spelling, e.g. ["--monitor", "-m"]. */
  flags: string[];
  description: string;
  takesValue: boolean;
  /** Fixed values to offer after the option, e.g. statuses. */
  choices: string[];
}

export interface CompletionCommand {
  name: string;
  aliases: string[];
  description: string;
  options: CompletionOption[];
  subcommands: CompletionCommand[];
}

interface Node {
  /** " monitors show": the path of command names after the program name. */
  path: string;
  command: CompletionCommand;
}

function walk(command: CompletionCommand, path = ''): Node[] {
  return [
    { path, command },
    ...command.subcommands.flatMap((sub) => [sub.name, ...sub.aliases].flatMap((name) => walk(sub, `${path} ${name}`))),
  ];
}

const words = (command: CompletionCommand): string[] => [
  ...command.subcommands.flatMap((s) => [s.name, ...s.aliases]),
  ...command.options.flatMap((o) => o.flags.filter((f) => f.startsWith('--'))),
];

// Characters that are safe inside double-quoted `case` patterns and word lists.
const bashWord = (text: string) => text.replace(/[^A-Za-z0-9_.:/@+-]/g, '');
const pathText = (path: string) => path.split(' ').map(bashWord).join(' ');

/** A bash completion script: `source <(drumbeats completion bash)`. */
export function bashCompletion(root: CompletionCommand): string {
  const nodes = walk(root);
  const fn = `_${bashWord(root.name).replace(/[^A-Za-z0-9_]/g, '_')}_completion`;
  const paths = nodes.filter((n) => n.path !== '').map((n) => `"${pathText(n.path)}"`);
  const valueOptions = [...new Set(nodes.flatMap((n) => n.command.options.filter((o) => o.takesValue).flatMap((o) => o.flags)))];
  const choiceCases = nodes.flatMap((n) =>
    n.command.options
      .filter((o) => o.choices.length > 0)
      .map((o) => `      ${o.flags.map((f) => `"${pathText(n.path)}|${bashWord(f)}"`).join('|')}) words="${o.choices.map(bashWord).join(' ')}" ;;`),
  );
  const wordCases = nodes.map((n) => `    "${pathText(n.path)}") words="${words(n.command).map(bashWord).join(' ')}" ;;`);
  return `# bash completion for ${root.name}: add to ~/.bashrc
#   source <(${root.name} completion bash)
${fn}() {
  local cur prev cmd_path word i words skip
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev=""
  (( COMP_CWORD > 1 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd_path=""
  skip=0
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="\${COMP_WORDS[i]}"
    if (( skip )); then skip=0; continue; fi
    case "$word" in
      ${valueOptions.length > 0 ? valueOptions.map(bashWord).join('|') : '--'}) skip=1; continue ;;
      -*) continue ;;
    esac
    case "$cmd_path $word" in
      ${paths.length > 0 ? paths.join('|') : '""'}) cmd_path="$cmd_path $word" ;;
    esac
  done
  if [[ "$prev" == -* ]]; then
    words=""
    case "$cmd_path|$prev" in
${choiceCases.join('\n')}
      *) for word in ${valueOptions.map(bashWord).join(' ')}; do
           if [[ "$prev" == "$word" ]]; then COMPREPLY=(); return 0; fi
         done ;;
    esac
    if [[ -n "$words" ]]; then
      COMPREPLY=( $(compgen -W "$words" -- "$cur") )
      return 0
    fi
  fi
  case "$cmd_path" in
${wordCases.join('\n')}
    *) words="" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F ${fn} ${bashWord(root.name)}
`;
}

// zsh single-quoted string.
const zq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** A zsh completion script: `source <(drumbeats completion zsh)` or save as `_drumbeats` on $fpath. */
export function zshCompletion(root: CompletionCommand): string {
  const name = bashWord(root.name);
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const nodes = walk(root);
  const paths = nodes.filter((n) => n.path !== '').map((n) => `"${pathText(n.path)}"`);
  const valueOptions = [...new Set(nodes.flatMap((n) => n.command.options.filter((o) => o.takesValue).flatMap((o) => o.flags)))];
  const cases = nodes.map((n) => {
    const cmds = n.command.subcommands.flatMap((s) =>
      [s.name, ...s.aliases].map((alias) => zq(`${alias.replace(/:/g, '\\:')}:${s.description}`)),
    );
    const opts = n.command.options.flatMap((o) =>
      o.flags.filter((f) => f.startsWith('--')).map((f) => zq(`${f.replace(/:/g, '\\:')}:${o.description}`)),
    );
    const choices = n.command.options
      .filter((o) => o.choices.length > 0)
      .flatMap((o) => o.flags.map((f) => `        (${bashWord(f)}) choices=(${o.choices.map(zq).join(' ')}) ;;`));
    return `    ("${pathText(n.path)}")
      cmds=(${cmds.join(' ')})
      opts=(${opts.join(' ')})
      case "$prev" in
${choices.join('\n')}
      esac ;;`;
  });
  return `#compdef ${name}
# zsh completion for ${name}: add to ~/.zshrc (after compinit)
#   source <(${name} completion zsh)
${fn}() {
  local cmd_path="" word prev="" i skip=0
  local -a cmds opts choices
  (( CURRENT > 2 )) && prev="\${words[CURRENT-1]}"
  for (( i = 2; i < CURRENT; i++ )); do
    word="\${words[i]}"
    if (( skip )); then skip=0; continue; fi
    case "$word" in
      (${valueOptions.length > 0 ? valueOptions.map(bashWord).join('|') : '--'}) skip=1; continue ;;
      (-*) continue ;;
    esac
    case "$cmd_path $word" in
      (${paths.length > 0 ? paths.join('|') : '""'}) cmd_path="$cmd_path $word" ;;
    esac
  done
  case "$cmd_path" in
${cases.join('\n')}
  esac
  if (( \${#choices} )); then
    compadd -- "\${choices[@]}"
  elif [[ -n "$prev" && "$prev" == (${valueOptions.length > 0 ? valueOptions.map(bashWord).join('|') : '--'}) ]]; then
    _files
  elif [[ "\${words[CURRENT]}" == -* ]]; then
    _describe -t options 'option' opts
  else
    _describe -t commands 'command' cmds
  fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${name}
fi
`;
}
