// The renderer bundle on its own: build.mjs uses it for dist/renderer, and the e2e tests build a
// private copy in a temp folder so a concurrent `npm run build` cannot pull files from under them.
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles renderer/main.tsx (+ its CSS) and copies index.html into `outdir`. */
export async function buildRenderer(outdir, { dev = false } = {}) {
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: { renderer: 'renderer/main.tsx' },
    outdir,
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'esm',
    jsx: 'automatic',
    sourcemap: true,
    minify: !dev,
    logLevel: 'warning',
    loader: { '.svg': 'file', '.png': 'file' },
    define: { 'process.env.NODE_ENV': dev ? '"development"' : '"production"' },
  });
  cpSync(join(root, 'renderer', 'index.html'), join(outdir, 'index.html'));
}
