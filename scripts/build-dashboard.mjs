// Bundles the dashboard (Preact + CSS, dashboard/src) for the browser into
// dist/dashboard: hashed files under assets/ and an index.html that loads
// them. Same bundler as the CLI (esbuild): no second toolchain, no plugins.
// Nothing here is imported by the CLI; the collector only reads the files.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Ccircle cx='16' cy='16' r='15' fill='%233b5bdb'/%3E%3Ccircle cx='16' cy='16' r='9' fill='%23fff'/%3E%3Ccircle cx='16' cy='16' r='5' fill='%233b5bdb'/%3E%3C/svg%3E";

/** Builds dist/dashboard under `root`; returns the asset file names. */
export async function buildDashboard(root) {
  const outdir = join(root, 'dist', 'dashboard', 'assets');
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: './dashboard/src/main.tsx' },
    outdir: 'dist/dashboard/assets',
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'firefox114', 'safari16.4'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  if (!js || !css) throw new Error(`dashboard build produced ${outputs.join(', ')}`);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Drumbeats</title>
<link rel="icon" href="${FAVICON}">
<link rel="stylesheet" href="/assets/${css}">
<script type="module" src="/assets/${js}"></script>
</head>
<body>
<div id="app"></div>
</body>
</html>
`;
  writeFileSync(join(root, 'dist', 'dashboard', 'index.html'), html);
  return { js, css };
}
