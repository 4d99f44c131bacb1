// The read commands' window on the terminal: colour (chalk, only when
// resolveColorLevel says so), tables (cli-table3 fitted to the width on a TTY,
// plain aligned text when piped), a spinner (ora, on a TTY only and only for
// waits longer than a blink) and local time. chalk, cli-table3 and ora are
// imported only when used, so piped output never loads them.

import { resolveColorLevel, type ColorLevel } from './core/color-level.ts';
import { formatPlainTable } from './core/format.ts';
import { PLAIN, stripAnsi, type Paint } from './core/paint.ts';
import { fitColumns, tableChrome } from './core/table-layout.ts';

/** A wait shorter than this shows no spinner at all. */
const SPINNER_DELAY_MS = 300;

export interface Terminal {
  /** stdout is a terminal: tables get borders and fit its width. */
  readonly interactive: boolean;
  readonly columns: number;
  readonly paint: Paint;
  /** Paint for stderr, which may be a terminal when stdout is not. */
  readonly paintErr: Paint;
  out(text: string): void;
  /** A table: bordered and width-fitted on a terminal, plain aligned columns otherwise. */
  table(head: string[], rows: string[][]): Promise<string>;
  /** Awaits `work`, with a spinner on stderr if it takes longer than a blink and stderr is a terminal. */
  wait<T>(text: string, work: Promise<T>): Promise<T>;
  /** Minutes east of UTC at `ms` in the local zone (DST-aware). */
  offsetAt(ms: number): number;
}

/** Opens the terminal for a command: decides colour once from the environment. */
export async function openTerminal(env: NodeJS.ProcessEnv): Promise<Terminal> {
  const interactive = process.stdout.isTTY === true;
  const outLevel = resolveColorLevel(env, interactive);
  const errLevel = resolveColorLevel(env, process.stderr.isTTY === true);
  const [paint, paintErr] = await Promise.all([loadPaint(outLevel), loadPaint(errLevel)]);
  const columns = process.stdout.columns && process.stdout.columns > 20 ? process.stdout.columns : 100;
  return {
    interactive,
    columns,
    paint,
    paintErr,
    out: (text) => void process.stdout.write(text),
    table: (head, rows) => (interactive ? fancyTable(head, rows, columns, paint) : Promise.resolve(formatPlainTable(head, rows.map((r) => r.map(stripAnsi))))),
    wait: (text, work) => (process.stderr.isTTY === true ? withSpinner(text, work, errLevel) : work),
    offsetAt: (ms) => -new Date(ms).getTimezoneOffset(),
  };
}

async function loadPaint(level: ColorLevel): Promise<Paint> {
  if (level === 0) return PLAIN;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level });
  return {
    bold: (t) => chalk.bold(t),
    dim: (t) => chalk.dim(t),
    red: (t) => chalk.red(t),
    green: (t) => chalk.green(t),
    yellow: (t) => chalk.yellow(t),
    cyan: (t) => chalk.cyan(t),
  };
}

async function fancyTable(head: string[], rows: string[][], columns: number, paint: Paint): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const natural = head.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => Math.max(...stripAnsi(r[i] ?? '').split('\n').map((line) => line.length)))),
  );
  const widths = fitColumns(natural, columns - tableChrome(head.length));
  const table = new Table({
    head: head.map((h) => paint.bold(h)),
    colWidths: widths.map((w) => w + 2),
    wordWrap: true,
    style: { head: [], border: [] },
    // No rule between rows: wrapped cells stay readable, the table stays short.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push(row);
  return table.toString();
}

async function withSpinner<T>(text: string, work: Promise<T>, level: ColorLevel): Promise<T> {
  let spinner: { stop(): void } | null = null;
  let settled = false;
  const timer = setTimeout(() => {
    void import('ora').then(({ default: ora }) => {
      if (settled) return;
      spinner = ora({ text, stream: process.stderr, color: level === 0 ? false : 'cyan', discardStdin: false }).start();
    });
  }, SPINNER_DELAY_MS);
  try {
    return await work;
  } finally {
    settled = true;
    clearTimeout(timer);
    (spinner as { stop(): void } | null)?.stop();
  }
}
