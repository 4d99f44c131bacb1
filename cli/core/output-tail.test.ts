import { describe, expect, test } from 'vitest';
import { OutputTail, formatDroppedMarker, type StreamName } from './output-tail.ts';

const enc = new TextEncoder();
type Push = [StreamName, string | number[]];

function feed(limit: number, pushes: Push[]): OutputTail {
  const tail = new OutputTail(limit);
  for (const [stream, data] of pushes) tail.push(stream, typeof data === 'string' ? enc.encode(data) : Uint8Array.from(data));
  return tail;
}

function contentBytes(text: string): number {
  // Bytes of job output a rendered tail represents: each line minus its tag (and the "…" of a cut line), plus its newline.
  const body = text.replace(/^\[drumbeats: \d+ earlier bytes of output dropped\]\n/, '').replace(/^\[(out|err)\] …/, '[$1] ');
  return enc.encode(body).length - (body.match(/^\[(out|err)\] /gm)?.length ?? 0) * 6;
}

describe('OutputTail without drops', () => {
  test.for<[string, number, Push[], string]>([
    ['interleaves lines in arrival order', 1024, [['out', 'a\n'], ['err', 'b\n'], ['out', 'c\n']], '[out] a\n[err] b\n[out] c\n'],
    ['places a line split across chunks where it completes', 1024, [['out', 'hel'], ['err', 'x\n'], ['out', 'lo\n']], '[err] x\n[out] hello\n'],
    ['keeps a last line without newline', 1024, [['out', 'progress 100%']], '[out] progress 100%'],
    ['keeps unfinished lines of both streams, oldest first', 1024, [['err', 'e1'], ['out', 'o1']], '[err] e1\n[out] o1'],
    ['keeps empty lines', 1024, [['out', '\n\nx\n']], '[out] \n[out] \n[out] x\n'],
    ['joins a character split across chunks', 1024, [['out', [0xc3]], ['out', [0xa9, 0x0a]]], '[out] é\n'],
    ['replaces invalid UTF-8', 1024, [['err', [0x61, 0xff, 0xfe, 0x0a]]], '[err] a\uFFFD\uFFFD\n'],
    ['keeps carriage returns', 1024, [['out', 'a\r\n']], '[out] a\r\n'],
    ['renders nothing for no output', 1024, [], ''],
  ])('%s', ([, limit, pushes, expected]) => {
    const rendered = feed(limit, pushes).render();
    expect(rendered.text).toBe(expected);
    expect(rendered.droppedBytes).toBe(0);
  });
});

describe('OutputTail with drops', () => {
  test('seq 1 20000 then FINAL-ERROR-LINE: ends with the last line, fits 10 KB, counts the drop', () => {
    let seq = '';
    for (let i = 1; i <= 20000; i++) seq += `${i}\n`;
    const input = `${seq}FINAL-ERROR-LINE\n`;
    const tail = new OutputTail(10 * 1024);
    for (let at = 0; at < input.length; at += 4096) tail.push('out', enc.encode(input.slice(at, at + 4096)));
    const { text, droppedBytes, totalBytes } = tail.render();
    expect(totalBytes).toBe(input.length);
    expect(text.endsWith('[out] 19999\n[out] 20000\n[out] FINAL-ERROR-LINE\n')).toBe(true);
    expect(enc.encode(text).length).toBeLessThanOrEqual(10 * 1024);
    expect(text.startsWith(formatDroppedMarker(droppedBytes))).toBe(true);
    expect(droppedBytes + contentBytes(text)).toBe(totalBytes);
  });

  test('a 200,000-character line between before and after, in one chunk', () => {
    const input = `before\n${'x'.repeat(200_000)}\nafter\n`;
    const { text, droppedBytes } = feed(10 * 1024, [['out', input]]).render();
    expect(text.endsWith(`xxxx\n[out] after\n`)).toBe(true);
    expect(text).not.toContain('before');
    expect(enc.encode(text).length).toBeLessThanOrEqual(10 * 1024);
    expect(droppedBytes + contentBytes(text)).toBe(input.length);
  });

  test('a 200,000-character line written in small chunks', () => {
    const tail = new OutputTail(4096);
    tail.push('out', enc.encode('before\n'));
    for (let i = 0; i < 200; i++) tail.push('out', enc.encode('y'.repeat(1000)));
    tail.push('out', enc.encode('\nafter'));
    const { text, droppedBytes, totalBytes } = tail.render();
    expect(text.endsWith('yyyy\n[out] after')).toBe(true);
    expect(enc.encode(text).length).toBeLessThanOrEqual(4096);
    expect(droppedBytes + contentBytes(text)).toBe(totalBytes);
  });

  test.for([
    ['2-byte characters', 'é', 2],
    ['3-byte characters', '€', 3],
    ['4-byte characters', '𝄞', 4],
  ] as const)('cuts %s on a character boundary', ([, char, size]) => {
    for (const limit of [100, 101, 102, 103]) {
      const line = char.repeat(1000);
      const { text, droppedBytes } = feed(limit, [['err', `${line}\n`]]).render();
      expect(text).not.toContain('\uFFFD');
      expect(enc.encode(text).length).toBeLessThanOrEqual(limit);
      expect(text).toContain('[err] …');
      const body = text.slice(text.indexOf('[err] ') + 6 + 1, -1);
      expect(body).toBe(char.repeat(body.length / char.length));
      expect(droppedBytes).toBe(line.length / char.length * size + 1 - enc.encode(body).length - 1);
    }
  });

  test('invalid UTF-8 growing into replacement characters still fits the limit', () => {
    const bytes = new Array(5000).fill(0xff) as number[];
    const { text } = feed(256, [['out', bytes]]).render();
    expect(enc.encode(text).length).toBeLessThanOrEqual(256);
    expect(text).toMatch(/^\[drumbeats: \d+ earlier bytes of output dropped\]\n\[out\] …\uFFFD+$/);
  });

  test('memory stays bounded over 20 MB of mixed output', () => {
    const tail = new OutputTail(10 * 1024);
    const outChunk = enc.encode('line of standard output\n'.repeat(2730));
    const errChunk = enc.encode(`${'z'.repeat(70_000)}`);
    for (let i = 0; i < 300; i++) {
      tail.push('out', outChunk);
      if (i % 10 === 0) tail.push('err', errChunk);
      expect(tail.retainedBytes).toBeLessThanOrEqual(3 * 10 * 1024 + 2048);
    }
    const { text, droppedBytes, totalBytes } = tail.render();
    expect(totalBytes).toBeGreaterThan(20_000_000);
    expect(enc.encode(text).length).toBeLessThanOrEqual(10 * 1024);
    expect(droppedBytes + contentBytes(text)).toBe(totalBytes);
  });

  test.for<[string, number, Push[], string]>([
    ['drops a line whose front would be cut (it fits on its own): the tail starts at a line boundary', 150,
      [['out', [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `line-${i}-abcdefghij\n`).join('')]],
      '[drumbeats: 90 earlier bytes of output dropped]\n[out] line-6-abcdefghij\n[out] line-7-abcdefghij\n[out] line-8-abcdefghij\n'],
    ['the same lines, one chunk each', 150,
      [1, 2, 3, 4, 5, 6, 7, 8].map((i): Push => ['out', `line-${i}-abcdefghij\n`]),
      '[drumbeats: 90 earlier bytes of output dropped]\n[out] line-6-abcdefghij\n[out] line-7-abcdefghij\n[out] line-8-abcdefghij\n'],
    ['drops a cut line of the other stream the same way', 130,
      [['err', `${'e'.repeat(20)}\n`], ['out', `${'o'.repeat(20)}\n`], ['err', `${'q'.repeat(20)}\n`], ['out', `${'p'.repeat(20)}\n`], ['out', `${'r'.repeat(20)}\n`]],
      `[drumbeats: 63 earlier bytes of output dropped]\n[out] ${'p'.repeat(20)}\n[out] ${'r'.repeat(20)}\n`],
    ['keeps the end of a line longer than the limit, marked with …', 100,
      [['out', `a\n${'x'.repeat(500)}\n`]],
      `[drumbeats: 476 earlier bytes of output dropped]\n[out] …${'x'.repeat(26)}\n`],
    ['keeps the end of an unfinished line longer than the limit, marked with …', 150,
      [['out', 'done\n'], ['err', 'y'.repeat(300)], ['err', 'y'.repeat(300)]],
      `[drumbeats: 528 earlier bytes of output dropped]\n[err] …${'y'.repeat(77)}`],
  ])('%s', ([, limit, pushes, expected]) => {
    const { text, droppedBytes, totalBytes } = feed(limit, pushes).render();
    expect(text).toBe(expected);
    expect(enc.encode(text).length).toBeLessThanOrEqual(limit);
    expect(droppedBytes + contentBytes(text)).toBe(totalBytes);
  });

  test('for i in $(seq 1 2000); do echo "line-$i-abcdefghij"; done: the tail starts with a whole line', () => {
    let input = '';
    for (let i = 1; i <= 2000; i++) input += `line-${i}-abcdefghij\n`;
    for (const chunkSize of [1, 17, 4096, 65536]) {
      const tail = new OutputTail(10 * 1024);
      for (let at = 0; at < input.length; at += chunkSize) tail.push('out', enc.encode(input.slice(at, at + chunkSize)));
      const { text, droppedBytes, totalBytes } = tail.render();
      const lines = text.split('\n');
      expect(lines[0]).toBe(`[drumbeats: ${droppedBytes} earlier bytes of output dropped]`);
      const first = Number(/^\[out\] line-(\d+)-abcdefghij$/.exec(lines[1]!)?.[1]);
      expect(lines.slice(1, -1)).toEqual(Array.from({ length: 2001 - first }, (_, k) => `[out] line-${first + k}-abcdefghij`));
      expect(droppedBytes + contentBytes(text)).toBe(totalBytes);
    }
  });

  test('a zero limit renders nothing and drops everything', () => {
    const { text, droppedBytes } = feed(0, [['out', 'abc\n']]).render();
    expect(text).toBe('');
    expect(droppedBytes).toBe(4);
  });
});
