import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { makeDirs } from './make-dirs.ts';

const root = mkdtempSync(join(tmpdir(), 'make-dirs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('creates every missing level with the mode, and is a no-op when it exists', () => {
  const deep = join(root, 'a', 'b', 'c');
  makeDirs(deep, 0o700);
  expect(statSync(deep).isDirectory()).toBe(true);
  expect(statSync(join(root, 'a')).mode & 0o777).toBe(0o700);
  makeDirs(deep, 0o700);
  makeDirs(`${deep}/`);
});

test('a file in the way is ENOTDIR, at once', () => {
  writeFileSync(join(root, 'file'), '');
  expect(() => makeDirs(join(root, 'file', 'x'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
});

// Node's own recursive mkdir never returns here (it loops on ENOENT/EEXIST).
test.skipIf(process.platform !== 'linux')('a parent that refuses children (/proc) throws instead of spinning', () => {
  expect(() => makeDirs('/proc/drumbeats-nope/spool')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
});
