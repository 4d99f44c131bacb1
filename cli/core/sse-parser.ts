// An incremental Server-Sent Events parser (the WHATWG event-stream format):
// feed it text as it arrives, in chunks of any size; it calls back once per
// complete event. Lines end in \n, \r\n or \r; lines starting with ":" are
// comments; an event is dispatched at a blank line and only if it has data.

export interface SseEvent {
  /** "message" when the event named none. */
  event: string;
  data: string;
  /** The last event id seen on the stream so far (ids persist across events). */
  id: string | null;
}

export class SseParser {
  #buffer = '';
  #pendingCr = false;
  #event = '';
  #data: string[] = [];
  #idBuffer: string | null = null;
  #lastId: string | null = null;
  #retryMs: number | null = null;
  readonly #onEvent: (event: SseEvent) => void;

  constructor(onEvent: (event: SseEvent) => void) {
    this.#onEvent = onEvent;
  }

  /** The id in force at the last complete event (what to send as Last-Event-ID on reconnect). */
  get lastEventId(): string | null {
    return this.#lastId;
  }

  /** The reconnection delay the server asked for, if any. */
  get retryMs(): number | null {
    return this.#retryMs;
  }

  /** Feeds decoded text. */
  push(text: string): void {
    let chunk = text;
    // A \r at the end of the previous chunk already ended a line; skip its \n.
    if (this.#pendingCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.#pendingCr = false;
    this.#buffer += chunk;
    let start = 0;
    for (let i = 0; i < this.#buffer.length; i++) {
      const c = this.#buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      this.#line(this.#buffer.slice(start, i));
      if (c === '\r') {
        if (i + 1 === this.#buffer.length) this.#pendingCr = true;
        else if (this.#buffer[i + 1] === '\n') i += 1;
      }
      start = i + 1;
    }
    this.#buffer = this.#buffer.slice(start);
  }

  /** Forgets a partial event (the connection dropped mid-event), and any id it set. */
  reset(): void {
    this.#idBuffer = this.#lastId;
    this.#buffer = '';
    this.#pendingCr = false;
    this.#event = '';
    this.#data = [];
  }

  #line(line: string): void {
    if (line === '') {
      // An id counts only once the event that carried it is complete.
      this.#lastId = this.#idBuffer;
      if (this.#data.length > 0) {
        this.#onEvent({ event: this.#event || 'message', data: this.#data.join('\n'), id: this.#lastId });
      }
      this.#event = '';
      this.#data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#event = value;
        break;
      case 'data':
        this.#data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.#idBuffer = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#retryMs = Number(value);
        break;
    }
  }
}
