#!/usr/bin/env node
// The CLI entry: the bundle built by `npm run build` (npm install runs it via `prepare`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const bundle = join(__dirname, '..', 'dist', 'cli', 'tidemark.cjs');
if (!existsSync(bundle)) {
  console.error('tidemark: the CLI is not built yet. Run `npm run build` in ' + join(__dirname, '..'));
  process.exit(2);
}
require(bundle).run(process.argv.slice(2));
