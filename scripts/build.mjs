// Bundles every entry point with esbuild: the renderer for the browser, and the Electron shell,
// the browser-mode server and the CLI for Node. Fast enough to run before every start.
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRenderer } from './build-renderer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const watch = process.argv.includes('--watch');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'renderer'), { recursive: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // Native or optional modules stay outside the bundle; ESM-only packages (conf, electron-store) go in.
  external: ['electron', 'ssh2', 'cpu-features', '@node-rs/crc32', 'zstd-napi', 'pg-native', 'bufferutil', 'utf-8-validate', 'playwright', 'playwright-core'],
  define: { 'import.meta.url': '__tidemark_import_meta_url' },
  banner: { js: "const __tidemark_import_meta_url = require('url').pathToFileURL(__filename).href;" },
};

await Promise.all([
  build({
    ...node,
    entryPoints: { 'electron/main': 'electron/shell/main.ts', 'cli/tidemark': 'electron/cli/main.ts', 'web/server': 'electron/web/server.ts' },
    outdir: out,
    outExtension: { '.js': '.cjs' },
  }),
  // The preload runs sandboxed: one self-contained CommonJS file that may require only electron.
  build({ ...node, entryPoints: { 'electron/preload': 'electron/shell/preload.ts' }, outdir: out, outExtension: { '.js': '.cjs' } }),
  buildRenderer(join(out, 'renderer'), { dev: watch }),
]);
console.log('built dist/');
