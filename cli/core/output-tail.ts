// The output tail: the last N bytes of the job's stdout and stderr, in arrival
// order, line by line, each line tagged `[out]` or `[err]`. Memory stays
// bounded whatever the job writes (about three times the limit); the rendered
// text is valid UTF-8, never longer than the limit, and starts with a marker
// counting the bytes that were dropped to make it fit. It starts at a line
// boundary: a line cut at its front is dropped whole, unless it is longer than
// the whole limit, when its end is kept behind a "…" saying it was cut.

import { utf8SuffixStart } from '../../shared/utf8.ts';

export type StreamName = 'out' | 'err';

interface TailLine {
  stream: StreamName;
  bytes: Uint8Array;
  /** The line ended with "\n" (which counts as one byte of output). */
  newline: boolean;
  /** Bytes the line had before its front was cut off to bound memory (equals bytes.length when whole). */
  fullLength: number;
}

interface PartialLine {
  parts: Uint8Array[];
  length: number;
  /** Bytes of the line so far, including those cut off its front to bound memory. */
  fullLength: number;
  /** Order of the push that started this line, to place unfinished lines of both streams. */
  firstSeq: number;
}

export interface RenderedTail {
  text: string;
  /** Bytes of output not represented in `text`. */
  droppedBytes: number;
  totalBytes: number;
}

const NEWLINE = 0x0a;
const TAG_BYTES = 6; // "[out] " or "[err] "
/** Room kept for the dropped-bytes marker line when anything is dropped. */
const MARKER_RESERVE = 64;
/** Put before the kept end of a line longer than the whole limit. */
const CUT_MARK = '…';
const CUT_MARK_BYTES = 3;
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();

/** Formats the line that says how much output was dropped before the tail. */
export function formatDroppedMarker(droppedBytes: number): string {
  return `[drumbeats: ${droppedBytes} earlier bytes of output dropped]\n`;
}

/** Keeps the last `limitBytes` of interleaved stdout/stderr for the terminal ping. */
export class OutputTail {
  readonly limitBytes: number;
  private lines: TailLine[] = [];
  private head = 0;
  private lineBytes = 0;
  private readonly partial: Record<StreamName, PartialLine> = {
    out: { parts: [], length: 0, fullLength: 0, firstSeq: 0 },
    err: { parts: [], length: 0, fullLength: 0, firstSeq: 0 },
  };
  private seq = 0;
  private total = 0;

  constructor(limitBytes: number) {
    this.limitBytes = Math.max(0, Math.floor(limitBytes));
  }

  /** Bytes of output seen so far. */
  get totalBytes(): number {
    return this.total;
  }

  /** Bytes currently held (for the memory bound). */
  get retainedBytes(): number {
    return this.lineBytes + this.partial.out.length + this.partial.err.length;
  }

  /** Records one chunk as read from the job's stdout (`out`) or stderr (`err`). */
  push(stream: StreamName, chunk: Uint8Array): void {
    this.seq++;
    this.total += chunk.length;
    const cap = this.limitBytes;
    let pos = 0;
    // A chunk longer than the limit makes everything before its last `cap`
    // bytes unrenderable: skip those lines without materialising them.
    const keepFrom = chunk.length - cap;
    if (keepFrom > 0) {
      const lastNewline = chunk.lastIndexOf(NEWLINE, keepFrom - 1);
      if (lastNewline >= 0) {
        this.lines = [];
        this.head = 0;
        this.lineBytes = 0;
        this.resetPartial(stream);
        pos = lastNewline + 1;
      }
    }
    while (pos < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, pos);
      if (nl < 0) {
        this.appendPartial(stream, chunk.subarray(pos));
        break;
      }
      this.appendPartial(stream, chunk.subarray(pos, nl));
      this.completeLine(stream);
      pos = nl + 1;
    }
    this.evict();
  }

  /** Renders the tail as text of at most `limitBytes` UTF-8 bytes. Does not consume the buffer. */
  render(): RenderedTail {
    const items: TailLine[] = this.lines.slice(this.head);
    const open = (['out', 'err'] as const)
      .filter((s) => this.partial[s].length > 0)
      .sort((a, b) => this.partial[a].firstSeq - this.partial[b].firstSeq);
    for (const s of open) {
      const p = this.partial[s];
      items.push({ stream: s, bytes: concat(p.parts, p.length), newline: false, fullLength: p.fullLength });
    }

    const rendered: string[] = [];
    let represented = 0;
    let used = 0;
    let budget = this.limitBytes;
    // First pass assumes nothing is dropped; if that fails, start over leaving room for the marker.
    for (let attempt = 0; attempt < 2; attempt++) {
      rendered.length = 0;
      represented = 0;
      used = 0;
      let complete = true;
      for (let i = items.length - 1; i >= 0; i--) {
        const item = items[i] as TailLine;
        const last = i === items.length - 1;
        const suffix = item.newline || !last ? '\n' : '';
        const room = budget - used - TAG_BYTES - suffix.length;
        if (room < 0) {
          complete = false;
          break;
        }
        let piece = fitSuffix(item.bytes, room);
        const cut = piece.start > 0 || item.bytes.length < item.fullLength;
        let mark = '';
        if (cut) {
          complete = false;
          // A line that could be shown whole on its own is dropped whole, so
          // the tail starts at a line boundary; only a line longer than the
          // limit is shown cut, and says so.
          if (TAG_BYTES + item.fullLength + suffix.length <= budget || room < CUT_MARK_BYTES) break;
          piece = fitSuffix(item.bytes, room - CUT_MARK_BYTES);
          mark = CUT_MARK;
        }
        rendered.push(`${tagOf(item.stream)}${mark}${piece.text}${suffix}`);
        used += TAG_BYTES + (mark === '' ? 0 : CUT_MARK_BYTES) + piece.byteLength + suffix.length;
        represented += item.bytes.length - piece.start + (item.newline ? 1 : 0);
        if (cut) break;
      }
      if (complete && represented === this.total) break;
      if (attempt === 0) budget = Math.max(0, this.limitBytes - MARKER_RESERVE);
    }
    rendered.reverse();
    const droppedBytes = this.total - represented;
    let text = rendered.join('');
    if (droppedBytes > 0) {
      const marker = formatDroppedMarker(droppedBytes);
      if (encoder.encode(marker).length + used <= this.limitBytes) text = marker + text;
    }
    return { text, droppedBytes, totalBytes: this.total };
  }

  private appendPartial(stream: StreamName, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const p = this.partial[stream];
    if (p.fullLength === 0) p.firstSeq = this.seq;
    // Copy: keeping a view would pin the whole read buffer in memory.
    p.parts.push(bytes.slice());
    p.length += bytes.length;
    p.fullLength += bytes.length;
    if (p.length > this.limitBytes + 1024) {
      const joined = concat(p.parts, p.length);
      const kept = joined.slice(utf8SuffixStart(joined, this.limitBytes));
      p.parts = [kept];
      p.length = kept.length;
    }
  }

  private completeLine(stream: StreamName): void {
    const p = this.partial[stream];
    const bytes = concat(p.parts, p.length);
    this.lines.push({ stream, bytes, newline: true, fullLength: p.fullLength });
    this.lineBytes += bytes.length + 1;
    this.resetPartial(stream);
  }

  private resetPartial(stream: StreamName): void {
    const p = this.partial[stream];
    p.parts = [];
    p.length = 0;
    p.fullLength = 0;
  }

  // Complete lines older than the newest `limit` bytes can never be rendered.
  private evict(): void {
    while (this.lineBytes > this.limitBytes && this.head < this.lines.length) {
      const first = this.lines[this.head] as TailLine;
      const size = first.bytes.length + 1;
      const excess = this.lineBytes - this.limitBytes;
      if (size <= excess) {
        this.head++;
        this.lineBytes -= size;
      } else {
        // Cut on a character boundary so the tail never starts mid-character.
        let cut = excess;
        while (cut < first.bytes.length && cut < excess + 3 && ((first.bytes[cut] ?? 0) & 0xc0) === 0x80) cut++;
        first.bytes = first.bytes.subarray(cut);
        this.lineBytes -= cut;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }
}

function tagOf(stream: StreamName): string {
  return stream === 'out' ? '[out] ' : '[err] ';
}

// Longest decodable suffix of `bytes` whose text is at most `room` UTF-8 bytes,
// starting on a character boundary. Invalid input becomes U+FFFD, which can be
// longer than the bytes it replaces, hence the loop.
function fitSuffix(bytes: Uint8Array, room: number): { text: string; byteLength: number; start: number } {
  let want = room;
  for (;;) {
    let start = utf8SuffixStart(bytes, want);
    // A line cut at its front may begin with continuation bytes: skip them.
    while (start < bytes.length && start > 0 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
    const text = decoder.decode(bytes.subarray(start));
    const byteLength = encoder.encode(text).length;
    if (byteLength <= room) return { text, byteLength, start };
    want = Math.min(want - 1, Math.floor((want * room) / byteLength));
    if (want <= 0) return { text: '', byteLength: 0, start: bytes.length };
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
