// A small argv parser for the hot-path commands (`run`, `ping`, `flush`),
// which must not load commander. Long options with `--name value` or
// `--name=value`, short aliases, boolean flags, and `--` ending the options.

export interface OptionSpec {
  /** Long name without dashes, e.g. `monitor` or `no-output`. */
  name: string;
  short?: string;
  takesValue: boolean;
}

export interface ParsedArgv {
  /** Last value given for each option (`true` for flags). */
  values: Map<string, string | true>;
  positionals: string[];
  /** Everything after the first positional when `stopAtPositional`, or after `--`. */
  rest: string[];
}

/** Parses `argv` against `specs`. With `stopAtPositional`, the first non-option word and all that follow go to `rest` untouched. */
export function parseArgv(argv: readonly string[], specs: readonly OptionSpec[], stopAtPositional: boolean): ParsedArgv | { error: string } {
  const values = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return { values, positionals, rest: argv.slice(i + 1) };
    if (arg.startsWith('-') && arg !== '-') {
      const long = arg.startsWith('--');
      const eq = long ? arg.indexOf('=') : -1;
      const key = long ? arg.slice(2, eq < 0 ? undefined : eq) : arg.slice(1);
      const spec = specs.find((s) => (long ? s.name === key : s.short === key));
      if (spec === undefined) return { error: `unknown option ${long ? `--${key}` : arg}` };
      if (!spec.takesValue) {
        if (eq >= 0) return { error: `option --${spec.name} takes no value` };
        values.set(spec.name, true);
        continue;
      }
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        value = argv[i + 1];
        i++;
      }
      if (value === undefined) return { error: `option --${spec.name} needs a value` };
      values.set(spec.name, value);
      continue;
    }
    if (stopAtPositional) return { values, positionals, rest: argv.slice(i) };
    positionals.push(arg);
  }
  return { values, positionals, rest: [] };
}

/** The string value of an option, if given. */
export function optionValue(parsed: ParsedArgv, name: string): string | undefined {
  const v = parsed.values.get(name);
  return typeof v === 'string' ? v : undefined;
}
