// Milestones: stdout lines that become /log pings. The default marker is a
// line starting with `[milestone] `; `--milestone <regex>` replaces it, the
// first capture group (or the whole match) being the message.

import { MESSAGE_MAX_CHARS } from '../../shared/protocol.ts';

/** Source of the default marker: `[milestone] <message>` at the start of a stdout line. */
export const DEFAULT_MILESTONE_PATTERN = '^\\[milestone\\][ \\t]*(\\S.*)$';
/** Lines longer than this are never milestones (and are not buffered to find out). */
export const MILESTONE_MAX_LINE_BYTES = 8 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Compiles a user-given milestone regex (or the default one), or returns why it is invalid. */
export function compileMilestonePattern(source: string | null): RegExp | { error: string } {
  try {
    return new RegExp(source ?? DEFAULT_MILESTONE_PATTERN, 'u');
  } catch (err) {
    return { error: `invalid --milestone regex "${source}": ${(err as Error).message}` };
  }
}

/** The milestone message a line carries, or null: first capture group, else the whole match, trimmed and capped. */
export function matchMilestone(pattern: RegExp, line: string): string | null {
  const m = pattern.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
  if (m === null) return null;
  const message = (m.length > 1 ? (m[1] ?? '') : m[0]).trim();
  if (message === '') return null;
  const chars = [...message];
  return chars.length > MESSAGE_MAX_CHARS ? chars.slice(0, MESSAGE_MAX_CHARS).join('') : message;
}

/** Splits a byte stream into lines and returns the milestone messages they carry, in order. */
export class MilestoneScanner {
  private readonly pattern: RegExp;
  private pending: Uint8Array[] = [];
  private pendingLength = 0;
  /** The current line already exceeded MILESTONE_MAX_LINE_BYTES: skip to its end. */
  private overlong = false;

  constructor(pattern: RegExp) {
    this.pattern = pattern;
  }

  /** Feeds one chunk of stdout; returns the messages of the lines it completed. */
  push(chunk: Uint8Array): string[] {
    const found: string[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(0x0a, pos);
      const end = nl < 0 ? chunk.length : nl;
      this.append(chunk.subarray(pos, end));
      if (nl < 0) break;
      this.completeLine(found);
      pos = nl + 1;
    }
    return found;
  }

  /** Ends the stream: a last line without newline can still be a milestone. */
  finish(): string[] {
    const found: string[] = [];
    if (this.pendingLength > 0 || this.overlong) this.completeLine(found);
    return found;
  }

  private append(bytes: Uint8Array): void {
    if (this.overlong || bytes.length === 0) return;
    if (this.pendingLength + bytes.length > MILESTONE_MAX_LINE_BYTES) {
      this.overlong = true;
      this.pending = [];
      this.pendingLength = 0;
      return;
    }
    this.pending.push(bytes.slice());
    this.pendingLength += bytes.length;
  }

  private completeLine(found: string[]): void {
    if (!this.overlong) {
      const line = new Uint8Array(this.pendingLength);
      let at = 0;
      for (const part of this.pending) {
        line.set(part, at);
        at += part.length;
      }
      const message = matchMilestone(this.pattern, decoder.decode(line));
      if (message !== null) found.push(message);
    }
    this.pending = [];
    this.pendingLength = 0;
    this.overlong = false;
  }
}
