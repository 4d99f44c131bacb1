// mkdir -p without Node's recursive mkdir. On Node 20, mkdirSync(path,
// { recursive: true }) (and fs.promises.mkdir) spins forever when a parent
// answers ENOENT although it exists, as under /proc: it retries the parent,
// gets EEXIST, and tries the child again. A spool or data dir pointed there by
// mistake must give one error, not a process that ignores SIGTERM.

import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Creates `path` and its missing parents (each with `mode`); throws the first error as is. */
export function makeDirs(path: string, mode = 0o777): void {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const kind = statKind(dir);
    if (kind === 'dir') break;
    if (kind === 'other') throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', path: dir });
    missing.push(dir);
    if (dirname(dir) === dir) break; // the root itself is missing: mkdir will say why
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir, { mode });
    } catch (error) {
      // Another process made it in between: fine, as long as it is a directory.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || statKind(dir) !== 'dir') throw error;
    }
  }
}

function statKind(path: string): 'dir' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}
