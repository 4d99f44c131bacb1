// Bundles the CLI (and the collector it starts) into dist/ with esbuild.
// Code splitting keeps `drumbeats run` lean: the collector, fastify, tables and
// spinners are separate chunks loaded only by the commands that need them.
import { build } from 'esbuild';
import { rmSync, existsSync, readFileSync } from 'node:fs';
import { buildDashboard } from './build-dashboard.mjs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'node_modules', 'esbuild'))) process.exit(0);
rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // The store's writer thread is its own entry: a Worker loads it by file.
  entryPoints: { cli: './cli/main.ts', 'writer-thread': './collector/store/writer-thread.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  packages: 'external',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  define: { __DRUMBEATS_VERSION__: JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version) },
});

// The dashboard: a browser bundle in dist/dashboard that the collector serves.
await buildDashboard(root);
