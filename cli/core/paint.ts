// The few styles the CLI uses, as plain functions so core formatting stays
// pure: commands pass chalk-backed ones on a colour terminal, PLAIN otherwise.

export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const same = (text: string) => text;

/** No styling at all. */
export const PLAIN: Paint = Object.freeze({ bold: same, dim: same, red: same, green: same, yellow: same, cyan: same });

const ANSI = /\u001b\[[0-9;]*m/g;

/** Text without ANSI colour codes (for measuring widths). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
