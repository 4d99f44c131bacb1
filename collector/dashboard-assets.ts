// Finds what the build puts in dist/ (the dashboard, the store's writer
// thread) from wherever the collector's code runs: bundled into dist/chunks by
// the build, or from source in tests.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The nearest ancestor's dist/dashboard holding an index.html, or null. */
export function locateDashboardDir(fromUrl: string = import.meta.url): string | null {
  const index = locateBuilt(join('dashboard', 'index.html'), fromUrl);
  return index ? dirname(index) : null;
}

/** The built writer thread of the SQLite store (dist/writer-thread.js), or null. */
export function locateWriterThread(fromUrl: string = import.meta.url): URL | null {
  const file = locateBuilt('writer-thread.js', fromUrl);
  return file ? pathToFileURL(file) : null;
}

// The nearest ancestor's dist/<relative> that exists, or null.
function locateBuilt(relative: string, fromUrl: string): string | null {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const candidate = join(dir, 'dist', relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
