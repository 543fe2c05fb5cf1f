// Bundles every entry point with esbuild: the renderer for the browser, and the Electron shell,
// the browser-mode server and the CLI for Node. Fast enough to run before every start.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  external: ['electron', 'ssh2', 'cpu-features', 'pg-native', 'bufferutil', 'utf-8-validate', 'playwright', 'playwright-core'],
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
  build({
    entryPoints: { renderer: 'renderer/main.tsx' },
    outdir: join(out, 'renderer'),
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'esm',
    jsx: 'automatic',
    sourcemap: true,
    minify: !watch,
    logLevel: 'warning',
    loader: { '.svg': 'file', '.png': 'file' },
    define: { 'process.env.NODE_ENV': watch ? '"development"' : '"production"' },
  }),
]);
cpSync(join(root, 'renderer', 'index.html'), join(out, 'renderer', 'index.html'));
console.log('built dist/');
